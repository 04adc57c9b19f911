/**
 * Always-valid confidence bounds for a failure rate (a binomial proportion), from the beta-binomial mixture
 * martingale. For a true rate p, M_n(p) = B(1 + F, 1 + S) / (p^F (1 - p)^S) (F failures, S successes; a uniform
 * mixture over the alternative rates) is a nonnegative martingale with M_0 = 1, so by Ville's inequality the
 * probability that it EVER reaches 1/alpha, at any number of looks, is at most alpha. The confidence sequence
 * {p : M_n(p) < 1/alpha} therefore covers the true rate at every check of the soak at once with probability
 * 1 - alpha: judging it at every check does not inflate false alarms, unlike a fixed threshold on the raw ratio.
 * References: Robbins (1970), "Statistical methods related to the law of the iterated logarithm"; Howard, Ramdas,
 * McAuliffe and Sekhon (2021), "Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals of Statistics.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Gamma(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln M_n(p): the evidence, in nats, that the true failure rate is not p. */
export function logEvidenceAgainst(p: number, failures: number, attempts: number): number {
  const successes = attempts - failures;
  return logBeta(1 + failures, 1 + successes) - logLikelihood(p, failures, successes);
}

export interface RateBounds {
  lower: number;
  upper: number;
}

/**
 * The confidence sequence at level 1 - alpha after `failures` of `attempts`: every rate p with M_n(p) < 1/alpha.
 * The log-likelihood is concave in p, so the set is an interval around F/n; its ends are found by bisection.
 */
export function rateBounds(failures: number, attempts: number, alpha: number): RateBounds {
  if (!(attempts >= 0 && failures >= 0 && failures <= attempts)) throw new RangeError(`invalid counts: ${failures} failures of ${attempts}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (attempts === 0) return { lower: 0, upper: 1 };
  const successes = attempts - failures;
  // p is inside the set when lnL(p) > level; the set always holds F/n, where the mixture is at most the likelihood.
  const level = logBeta(1 + failures, 1 + successes) - Math.log(1 / alpha);
  const mle = failures / attempts;
  const inside = (p: number): boolean => logLikelihood(p, failures, successes) > level;
  const lower = failures === 0 ? 0 : bisect(0, mle, inside, true);
  const upper = successes === 0 ? 1 : bisect(mle, 1, inside, false);
  return { lower, upper };
}

function logLikelihood(p: number, failures: number, successes: number): number {
  const f = failures === 0 ? 0 : failures * Math.log(p);
  const s = successes === 0 ? 0 : successes * Math.log(1 - p);
  return f + s;
}

/**
 * The boundary between `outside` and `inside` on [lo, hi]. For the lower end `lo` is outside and `hi` inside; for
 * the upper end the reverse. The answer is the conservative side: the lower bound never above the true boundary.
 */
function bisect(lo: number, hi: number, inside: (p: number) => boolean, lowerEnd: boolean): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 36; i++) {
    const mid = (a + b) / 2;
    if (inside(mid) === lowerEnd) b = mid;
    else a = mid;
  }
  return lowerEnd ? a : b;
}
