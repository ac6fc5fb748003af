/* SPDX-License-Identifier: MIT */
/*
 * Distributions for the A/B statistics, with libm only: normal, Student t, chi-square and beta
 * CDFs, survival functions and quantiles. Each tail is computed directly (never as 1 - the
 * other when it is the small one), so relative accuracy holds far into the tails. The
 * incomplete beta is the continued fraction of Numerical Recipes (betacf) evaluated with
 * Lentz's method; the incomplete gamma is its series below a + 1 and its continued fraction
 * above; log-beta of large arguments uses Stirling's series so that the cancellation of
 * lgamma(a) - lgamma(a + b) does not cost digits. Quantiles start from a good approximation
 * and refine with Newton steps on the log of the smaller tail inside a bisection bracket.
 */
#include <float.h>
#include <math.h>

#include "abtest-private.h"

#define LN_SQRT_2PI 0.91893853320467274178032973640562
#define MAX_CF_ITER 2000000

/* ---- log-gamma helpers ----------------------------------------------------------------- */

/* lgamma(x) - Stirling's approximation, for x >= 10: the series 1/(12x) - 1/(360x^3) + ... */
static double stirling_corr(double x)
{
    double r = 1.0 / x, r2 = r * r;
    return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 -
           r2 * (1.0 / 1188)))));
}

double mkt__lbeta(double a, double b)
{
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    /* now a <= b */
    if (b < 10)
        return lgamma(a) + lgamma(b) - lgamma(a + b);
    double s = a + b;
    /* lgamma(b) - lgamma(a + b) by Stirling:
     * (b - 0.5) ln b - (s - 0.5) ln s + a + corr(b) - corr(s)
     *   = -(s - 0.5) log1p(a / b) - a ln b + a + corr(b) - corr(s). */
    double tail = -(s - 0.5) * log1p(a / b) - a * log(b) + a + stirling_corr(b) -
                  stirling_corr(s);
    if (a < 10)
        return lgamma(a) + tail;
    /* lgamma(a) by Stirling too. */
    return LN_SQRT_2PI + (a - 0.5) * log(a) - a + stirling_corr(a) + tail;
}

/* ---- normal ------------------------------------------------------------------------------ */

double mkt__norm_pdf(double x)
{
    return exp(-0.5 * x * x - LN_SQRT_2PI);
}

double mkt__norm_cdf(double x)
{
    return 0.5 * erfc(-x * M_SQRT1_2);
}

double mkt__norm_sf(double x)
{
    return 0.5 * erfc(x * M_SQRT1_2);
}

/* Acklam's rational approximation (relative error < 1.2e-9) for p <= 0.5, refined by two
 * Halley steps against erfc: the result is accurate to a few ulps. */
static double norm_ppf_lower(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
        double q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    for (int i = 0; i < 2; i++) {
        /* Halley on Phi(x) - p, in relative form so it stays exact deep in the tail. */
        double e = mkt__norm_cdf(x) - p;
        double u = e / mkt__norm_pdf(x);
        if (!isfinite(u))
            break;
        x -= u / (1 + 0.5 * x * u);
    }
    return x;
}

double mkt__norm_ppf(double p)
{
    if (!(p >= 0 && p <= 1))
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    if (p > 0.5)
        return -norm_ppf_lower(1 - p); /* 1 - p is exact for p in [0.5, 1] */
    return norm_ppf_lower(p);
}

/* ---- incomplete gamma --------------------------------------------------------------------- */

/* x^a e^-x / Gamma(a), computed in logs. */
static double gamma_front(double a, double x)
{
    return exp(a * log(x) - x - lgamma(a));
}

/* Series for P(a, x), x < a + 1. */
static double gamma_series(double a, double x)
{
    double ap = a, del = 1.0 / a, sum = del;
    for (int i = 0; i < MAX_CF_ITER; i++) {
        ap += 1;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * 1e-17)
            break;
    }
    return sum * gamma_front(a, x);
}

/* Continued fraction for Q(a, x), x >= a + 1 (modified Lentz). */
static double gamma_cf(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < MAX_CF_ITER; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return gamma_front(a, x) * h;
}

double mkt__gamma_p(double a, double x)
{
    if (x <= 0)
        return 0;
    if (isinf(x))
        return 1;
    return x < a + 1 ? gamma_series(a, x) : 1 - gamma_cf(a, x);
}

double mkt__gamma_q(double a, double x)
{
    if (x <= 0)
        return 1;
    if (isinf(x))
        return 0;
    return x < a + 1 ? 1 - gamma_series(a, x) : gamma_cf(a, x);
}

double mkt__chi2_cdf(double x, double k)
{
    return mkt__gamma_p(0.5 * k, 0.5 * x);
}

double mkt__chi2_sf(double x, double k)
{
    return mkt__gamma_q(0.5 * k, 0.5 * x);
}

/* ---- incomplete beta ---------------------------------------------------------------------- */

/* Continued fraction of I_x(a, b) (Numerical Recipes' betacf), modified Lentz; y = 1 - x. */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m < MAX_CF_ITER; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return h;
}

/* I_x(a, b) given x, y = 1 - x and their logs lx, ly (passed separately so that callers
 * with a cancellation-free form of either keep it). */
static double ibeta(double x, double y, double lx, double ly, double a, double b)
{
    if (x <= 0)
        return 0;
    if (y <= 0)
        return 1;
    double front = exp(a * lx + b * ly - mkt__lbeta(a, b));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, y) / b;
}

double mkt__beta_cdf(double x, double a, double b)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    return ibeta(x, 1 - x, log(x), log1p(-x), a, b);
}

double mkt__beta_sf(double x, double a, double b)
{
    if (x <= 0)
        return 1;
    if (x >= 1)
        return 0;
    return ibeta(1 - x, x, log1p(-x), log(x), b, a);
}

/* ---- Student t ---------------------------------------------------------------------------- */

/* P(T < -|t|) = I_{df/(df+t^2)}(df/2, 1/2) / 2, with both arguments formed without
 * cancellation: x = 1 / (1 + t^2/df), y = 1 / (1 + df/t^2). */
static double t_lower_tail(double t, double df)
{
    double r = t * t / df;
    if (r == 0)
        return 0.5;
    if (isinf(r))
        return 0;
    double x = 1 / (1 + r), y = r / (1 + r);
    return 0.5 * ibeta(x, y, -log1p(r), -log1p(1 / r), 0.5 * df, 0.5);
}

/* Lower tail for very large df. The continued fraction of the incomplete beta loses digits
 * to 1 - x ~ t^2/df there, so instead the Cornish-Fisher expansion of the t quantile in the
 * normal one (Abramowitz and Stegun 26.7.5),
 *   t = z + g1(z)/df + g2(z)/df^2 + g3(z)/df^3 + g4(z)/df^4,
 * is solved for z by Newton's method and F(t) = Phi(z). Each g_k is O(z (z^2/df)^k), so with
 * t^2 < 1e-3 df the first omitted term is far below 1e-13 of the tail. */
static double cornish_fisher(double z, double v, double *deriv)
{
    double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    double g1 = (z3 + z) / 4;
    double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
    double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
    double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
    double d1 = (3 * z2 + 1) / 4;
    double d2 = (25 * z2 * z2 + 48 * z2 + 3) / 96;
    double d3 = (21 * z3 * z3 + 95 * z2 * z2 + 51 * z2 - 15) / 384;
    double d4 = (711 * z7 * z + 5432 * z3 * z3 + 7410 * z2 * z2 - 5760 * z2 - 945) / 92160;
    *deriv = 1 + v * (d1 + v * (d2 + v * (d3 + v * d4)));
    return z + v * (g1 + v * (g2 + v * (g3 + v * g4)));
}

static double t_cdf_large_df(double t, double df)
{
    double z = t, v = 1 / df;
    for (int i = 0; i < 8; i++) {
        double d, step = (cornish_fisher(z, v, &d) - t) / d;
        z -= step;
        if (fabs(step) <= 1e-17 * fabs(z))
            break;
    }
    return mkt__norm_cdf(z);
}

double mkt__t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(df))
        return mkt__norm_cdf(t);
    double low = df > 1e6 && t * t < 1e-3 * df ? t_cdf_large_df(-fabs(t), df)
                                              : t_lower_tail(t, df);
    return t < 0 ? low : 1 - low;
}

double mkt__t_sf(double t, double df)
{
    return mkt__t_cdf(-t, df);
}

static double t_pdf(double t, double df)
{
    if (isinf(df))
        return mkt__norm_pdf(t);
    return exp(-0.5 * (df + 1) * log1p(t * t / df) - 0.5 * log(df) - mkt__lbeta(0.5 * df, 0.5));
}

/* ---- quantiles ------------------------------------------------------------------------------ */

/* Solve tail(x) = p for a tail function decreasing (upper) or increasing (lower) in x, with
 * its density, inside [lo, hi], starting at x0. Newton steps on log(tail) (relative accuracy
 * in deep tails), falling back to bisection whenever a step leaves the bracket. */
struct tail_fn {
    double (*tail)(double x, const double *par);
    double (*pdf)(double x, const double *par);
    int upper; /* 1: tail decreases with x */
    double par[2];
};

static double solve_tail(const struct tail_fn *f, double p, double lo, double hi, double x0)
{
    double lp = log(p), x = x0;
    for (int i = 0; i < 400; i++) {
        if (!(x > lo && x < hi))
            x = lo > 0 && hi / lo > 16 ? sqrt(lo * hi) : 0.5 * (lo + hi);
        double v = f->tail(x, f->par);
        double g = log(v) - lp; /* > 0: tail too large */
        if (g == 0)
            return x;
        if ((g > 0) != f->upper)
            hi = x;
        else
            lo = x;
        double dens = f->pdf(x, f->par);
        double step = g * v / dens; /* d log(tail)/dx = -+ pdf/tail */
        double nx = f->upper ? x + step : x - step;
        if (!isfinite(nx) || fabs(nx - x) <= 1e-15 * fabs(x) || hi - lo <= 1e-15 * fabs(hi))
            return isfinite(nx) && nx > lo && nx < hi ? nx : x;
        x = nx;
    }
    return x;
}

static double chi2_lower(double x, const double *par) { return mkt__chi2_cdf(x, par[0]); }
static double chi2_upper(double x, const double *par) { return mkt__chi2_sf(x, par[0]); }
static double chi2_pdf(double x, const double *par)
{
    double h = 0.5 * par[0];
    return exp((h - 1) * log(x) - 0.5 * x - h * M_LN2 - lgamma(h));
}

double mkt__chi2_ppf(double p, double k)
{
    if (!(p >= 0 && p <= 1) || !(k > 0))
        return NAN;
    if (p == 0)
        return 0;
    if (p == 1)
        return INFINITY;
    /* Wilson-Hilferty start, then an upper bound by doubling. */
    double z = mkt__norm_ppf(p), v = 2 / (9 * k);
    double w = 1 - v + z * sqrt(v);
    double x0 = w > 0 ? k * w * w * w : k * 0.01;
    double hi = x0 > 1 ? 2 * x0 : 2;
    while (mkt__chi2_cdf(hi, k) < p && hi < DBL_MAX / 4)
        hi *= 2;
    struct tail_fn f = {p <= 0.5 ? chi2_lower : chi2_upper, chi2_pdf, p > 0.5, {k, 0}};
    return solve_tail(&f, p <= 0.5 ? p : 1 - p, 0, hi, x0);
}

static double beta_lower(double x, const double *par) { return mkt__beta_cdf(x, par[0], par[1]); }
static double beta_upper(double x, const double *par) { return mkt__beta_sf(x, par[0], par[1]); }
static double beta_pdf(double x, const double *par)
{
    return exp((par[0] - 1) * log(x) + (par[1] - 1) * log1p(-x) - mkt__lbeta(par[0], par[1]));
}

double mkt__beta_ppf(double p, double a, double b)
{
    if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0))
        return NAN;
    if (p == 0)
        return 0;
    if (p == 1)
        return 1;
    struct tail_fn f = {p <= 0.5 ? beta_lower : beta_upper, beta_pdf, p > 0.5, {a, b}};
    return solve_tail(&f, p <= 0.5 ? p : 1 - p, 0, 1, a / (a + b));
}

static double t_lower(double x, const double *par) { return mkt__t_cdf(x, par[0]); }
static double t_dens(double x, const double *par) { return t_pdf(x, par[0]); }

double mkt__t_ppf(double p, double df)
{
    if (!(p >= 0 && p <= 1) || !(df > 0))
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    if (isinf(df))
        return mkt__norm_ppf(p);
    if (p == 0.5)
        return 0;
    if (p > 0.5)
        return -mkt__t_ppf(1 - p, df); /* symmetric; 1 - p exact */
    /* Lower half: x < 0. Start from the normal quantile; bracket by doubling. */
    double x0 = mkt__norm_ppf(p), lo = 2 * x0 - 1;
    while (mkt__t_cdf(lo, df) > p && lo > -DBL_MAX / 4)
        lo *= 2;
    struct tail_fn f = {t_lower, t_dens, 0, {df, 0}};
    return solve_tail(&f, p, lo, 0, x0);
}
