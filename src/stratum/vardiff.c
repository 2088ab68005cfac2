/* Variable difficulty retargeting (vardiff.h). */
#include "src/stratum/vardiff.h"

bool stratum_vardiff_next(double *next, double diff, uint32_t shares, double seconds, double per_minute, double min,
                          double max)
{
    if (seconds < STRATUM_VARDIFF_MIN_SECONDS || per_minute <= 0 ||
        (shares < STRATUM_VARDIFF_SHARES && seconds < STRATUM_VARDIFF_MAX_SECONDS))
        return false;
    double rate = (double)shares * 60.0 / seconds;
    double factor = rate / per_minute;
    if (factor > 4)
        factor = 4;
    if (factor < 0.25)
        factor = 0.25;
    double d = diff * factor;
    if (d < min)
        d = min;
    if (d > max)
        d = max;
    if (d > diff * 0.9 && d < diff * 1.1)
        return false;
    *next = d;
    return true;
}
