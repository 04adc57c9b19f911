import type { Feature } from '../policy/types';

/** What every rollout card carries. */

export const STATUS_LINK = 'Open the rollout status';

export interface RolloutRef {
  rolloutId: string;
  feature: Feature;
  /** Link to the rollout's status (the API route; never a URL carrying a key). */
  statusUrl?: string;
}
