import type { EntityContext } from 'durable-functions';

/**
 * One rollout per feature. The entity serialises acquire/release, which closes the race between "is a rollout of this
 * feature active?" and "start one": two starts both reach the entity, exactly one becomes the holder.
 */
export interface FeatureLockState {
  holder: string | null;
}

export interface AcquireRequest {
  rolloutId: string;
  /** The start path saw this holder already ended without releasing (e.g. terminated by hand): take over from it only. */
  replaceStaleHolder?: string;
}

export function featureLockEntity(context: EntityContext<FeatureLockState>): void {
  const state = context.df.getState(() => ({ holder: null })) ?? { holder: null };
  switch (context.df.operationName) {
    case 'acquire': {
      const request = context.df.getInput<AcquireRequest>();
      if (request && (state.holder === null || state.holder === request.rolloutId || state.holder === request.replaceStaleHolder)) {
        state.holder = request.rolloutId;
      }
      context.df.setState(state);
      context.df.return({ holder: state.holder });
      return;
    }
    case 'release': {
      const rolloutId = context.df.getInput<string>();
      if (state.holder === rolloutId) state.holder = null;
      context.df.setState(state);
      return;
    }
    default:
      context.df.return({ holder: state.holder });
  }
}
