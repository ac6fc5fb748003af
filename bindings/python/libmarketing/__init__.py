# SPDX-License-Identifier: MIT
"""Python bindings for libmarketing (ctypes, standard library only).

Quick start::

    import libmarketing as mkt

    with mkt.Context() as ctx:
        table = ctx.table()
        table.load_customers("customers.csv")
        row = table.find("C001")
        print(table.get(row, "tier"))

See README.md for library discovery (``LIBMARKETING_LIBRARY``) and the full surface.
"""

from . import abtest, attribution, consent, offer, privacy, promo, values
from .attribution import Attribution, Credit, Model, Transition, attribute, attribute_many
from .attribution import model_from_name as attribution_model_from_name
from .attribution import model_name as attribution_model_name
from .audience import Audience, AudienceLogic, ExportGzip, combine_audience
from .catalog import Catalog, SegmentDefinition
from .catalog import xml_schema as catalog_xml_schema
from ._lib import FUNCTIONS, VERSION_ABSENT, VERSION_ANY, find_library
from .context import (AuditEntry, CHANNEL_EMAIL, CHANNEL_IN_APP, CHANNEL_PUSH, CHANNEL_SMS,
                      CHANNEL_SOCIAL, CHANNEL_WEB, Context, ErrorInfo, LOG_DEBUG, LOG_ERROR,
                      LOG_INFO, LOG_WARN, Message)
from .journey import (ActionKind, Check, Condition, Edge, EntryKind, Issue, Journey,
                      JourneyBuilder, JourneyInfo, Node, NodeType, Port, Reentry, WaitKind,
                      ZonePolicy)
from .engine import Action, Instance, InstanceState, JourneyEngine, NodeCounts
from .journey import check_name as journey_check_name
from .journey import xml_schema as journey_xml_schema
from .errors import (AlreadyExists, Conflict, InternalError, InvalidArgument, IOFailure,
                     LimitReached, MarketingError, NotFound, OutOfMemory, ParseError,
                     RangeError, StateError, TooBig, Unsupported, UserAbort, WrongType,
                     strerror)
from .paths import Path, Paths
from .rfm import (ExchangeRates, Lifecycle, LifecycleRow, LifecycleStage, Rfm, RfmFacts,
                  RfmRow, RfmScore, RfmSegment, RfmSummary, Scoring, lifecycle_stage_name,
                  lifecycle_stage_of, score_facts)
from .rfm import default_segment as rfm_default_segment
from .rfm import segment_from_name as rfm_segment_from_name
from .rfm import segment_name as rfm_segment_name
from .segment import (Explanation, Members, Op, Record, Rule, RuleFlag, RuleKind, Segment,
                      Today, ValueKind, op_from_name, op_name)
from .store import Item, MemoryStore, Store
from .table import (Booking, BookingStatus, ColumnInfo, Currency, Event, Table, TableStats,
                    Type, UnknownCustomer)
from .values import (add_months, date_from_ymd, date_to_ymd, format_date, format_money,
                     format_time, parse_date, parse_money, parse_time, time_to_date)


def version():
    """The loaded library's version string (``mkt_version``)."""
    from ._lib import lib
    return lib().mkt_version().decode("ascii")


def version_number():
    """The loaded library's version as major*10000 + minor*100 + patch."""
    from ._lib import lib
    return lib().mkt_version_number()


__all__ = [name for name in dir() if not name.startswith("_")]
