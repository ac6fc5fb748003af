# SPDX-License-Identifier: MIT
"""Helpers shared by the binding tests: temporary CSV files and header parsing."""

import gzip
import os
import re
import tempfile
import unittest

CUSTOMERS = (
    "customer_id,email,tier,signup_date,loyalty_member,email_open_rate,nps_score,favourite\n"
    "C1,a@example.com,GOLD,2023-01-15,1,0.25,9,tea\n"
    "C2,b@example.com,SILVER,2023-02-01,0,0.5,,coffee\n"
    "C3,,NONE,,1,,3,\n"
)

BOOKINGS = (
    "booking_id,customer_id,booking_date,departure_date,origin,destination,route,trip_type,"
    "cabin_class,fare_class,channel,passengers,total_amount,ancillary_amount,currency,status\n"
    "B1,C1,2024-03-01T10:00:00Z,2024-04-01,JFK,LAX,JFK-LAX,DOMESTIC,ECONOMY,Y,WEB,1,350.50,"
    "20.00,USD,CONFIRMED\n"
    "B2,C1,2024-05-01,2024-06-01,LAX,JFK,LAX-JFK,DOMESTIC,BUSINESS,J,MOBILE,2,1200.00,,USD,\n"
    "B3,C2,2024-02-10T08:30:00Z,,CDG,JFK,CDG-JFK,INTERNATIONAL,ECONOMY,M,AGENT,1,400.00,0,EUR,"
    "CANCELLED\n"
)

EVENTS = (
    "event_id,customer_id,ts,type,campaign,channel,value,properties\n"
    "E1,C1,2024-03-02T09:00:00Z,EMAIL_OPENED,SPRING,EMAIL,,\n"
    "E2,C2,2024-03-03T09:00:00Z,CONVERTED,SPRING,EMAIL,99.99,route=JFK-LAX\n"
)

PATHS = (
    "path,conversions,value,nulls\n"
    "EMAIL > SOCIAL > SMS,3,150.00,10\n"
    "EMAIL,1,20.00,5\n"
    "EMAIL > SOCIAL > SMS,1,50.00,0\n"
)

TOUCHPOINTS = (
    "journey_id,ts,channel,campaign,converted,value\n"
    "J1,2024-01-01T10:00:00Z,EMAIL,SPRING,,\n"
    "J2,2024-01-01T11:00:00Z,SOCIAL,,0,\n"
    "J1,2024-01-02T10:00:00Z,SMS,SALE,1,25.00\n"
)


class TempDirTest(unittest.TestCase):
    """A test case with a temporary directory and a file writer."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="mkt-py-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text, compress=False):
        path = os.path.join(self.dir, name)
        data = text.encode("utf-8")
        if compress:
            data = gzip.compress(data)
        with open(path, "wb") as f:
            f.write(data)
        return path


def public_functions():
    """Names of every function declared in the public headers (LIBMARKETING_INCLUDE_DIR)."""
    inc = os.environ.get("LIBMARKETING_INCLUDE_DIR")
    if not inc:
        return None
    names = set()
    hdr_dir = os.path.join(inc, "libmarketing")
    for name in sorted(os.listdir(hdr_dir)):
        if not name.endswith(".h"):
            continue
        with open(os.path.join(hdr_dir, name), encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        # A declaration: a type at the start of a line, then the name and "(" (typedef'd
        # function pointers "(*name)" and macros are not matched).
        for m in re.finditer(r"^[A-Za-z_][\w \t\*]*?\b(mkt_\w+)\s*\(", text, flags=re.M):
            if not text[m.start():m.end()].startswith(("typedef", "#")):
                names.add(m.group(1))
    return names
