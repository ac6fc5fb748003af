/* SPDX-License-Identifier: MIT */
/**
 * @file libmarketing.h
 * @brief Umbrella header: includes every public module header, nothing else.
 */
#ifndef LIBMARKETING_H
#define LIBMARKETING_H

#include "libmarketing/common.h"
#include "libmarketing/values.h"
#include "libmarketing/store.h"
#include "libmarketing/host.h"
#include "libmarketing/ctx.h"
#include "libmarketing/data.h"
#include "libmarketing/segment.h"
#include "libmarketing/catalog.h"
#include "libmarketing/audience.h"
#include "libmarketing/rfm.h"
#include "libmarketing/lifecycle.h"
#include "libmarketing/abtest.h"
#include "libmarketing/attribution.h"
#include "libmarketing/journey.h"
#include "libmarketing/promo.h"
#include "libmarketing/offer.h"
#include "libmarketing/consent.h"
#include "libmarketing/privacy.h"
#include "libmarketing/engine.h"

#endif /* LIBMARKETING_H */
