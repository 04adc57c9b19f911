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
 * The confidence sequence at level 1 - alpha after `failures` of `attempts`: every rate p with M_n(p) < 1/alpha,
 * that is with ln L(p) above ln B(1 + F, 1 + S) - ln(1/alpha). The log-likelihood is concave, so the set is an
 * interval around F/n (where the mixture is at most the likelihood, so F/n is always inside).
 */
export function rateBounds(failures: number, attempts: number, alpha: number): RateBounds {
  if (!(Number.isInteger(attempts) && Number.isInteger(failures) && failures >= 0 && failures <= attempts)) {
    throw new RangeError(`invalid counts: ${failures} failures of ${attempts}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (attempts === 0) return { lower: 0, upper: 1 };
  const successes = attempts - failures;
  const level = logBeta(1 + failures, 1 + successes) - Math.log(1 / alpha);
  // Lower end in x = ln p, upper end in x = ln(1 - p): both are the root of a concave increasing function.
  const lower = failures === 0 ? 0 : Math.exp(rootFromLeft(failures, successes, level, Math.log(failures / attempts)));
  const upper = successes === 0 ? 1 : 1 - Math.exp(rootFromLeft(successes, failures, level, Math.log(successes / attempts)));
  return { lower, upper };
}

/**
 * The root below `top` of k(x) = a x + b ln(1 - e^x) - level, which is concave and increasing there. Newton steps
 * started left of the root stay left of it (a concave function lies under its tangents), so every iterate is on
 * the conservative side: the lower bound never above its true value, the upper bound never below.
 */
function rootFromLeft(a: number, b: number, level: number, top: number): number {
  const k = (x: number): number => a * x + (b === 0 ? 0 : b * Math.log1p(-Math.exp(x))) - level;
  let x = top - 1;
  for (let widen = 1; k(x) >= 0 && widen < 64; widen++) x = top - 2 ** widen;
  for (let i = 0; i < 100; i++) {
    const e = Math.exp(x);
    const slope = a - (b === 0 ? 0 : (b * e) / (1 - e));
    const step = -k(x) / slope;
    if (!(step > 1e-12)) break;
    x += step;
  }
  return x;
}

function logLikelihood(p: number, failures: number, successes: number): number {
  const f = failures === 0 ? 0 : failures * Math.log(p);
  const s = successes === 0 ? 0 : successes * Math.log(1 - p);
  return f + s;
}
