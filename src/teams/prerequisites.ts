import { ALL_USERS, type Feature, type PolicyShape } from '../policy/types';
import { bullets, heading, type CardElement } from './card-elements';

/**
 * What on-premises MFA (the NPS extension and the AD FS adapter) does with the feature being rolled out, from
 * Microsoft's number-matching guide and NPS extension documentation:
 * - number matching (legacy policy shape only: in the current shape Microsoft already enforces it) needs the NPS
 *   extension and AD FS updates below before it reaches every user;
 * - the additional context (application name, location) is not shown to NPS extension and AD FS users at all.
 */

export const NPS_MIN_VERSION = '1.0.1.40';
/** From this version on, the NPS extension asks a number-matching user for a one-time code when one is registered. */
export const NPS_OTP_BY_DEFAULT_VERSION = '1.2.2216.1';
/** The last version that needs the registry override to ask for a one-time code. */
export const NPS_LAST_OVERRIDE_VERSION = '1.2.2131.2';
export const NPS_OTP_OVERRIDE = { key: 'HKLM\\SOFTWARE\\Microsoft\\AzureMfa', value: 'OVERRIDE_NUMBER_MATCHING_WITH_OTP', data: 'TRUE' } as const;
/** The October 2021 updates the guide names, and the cumulative updates after them that also carry the change. */
export const ADFS_UPDATES: ReadonlyArray<{ windowsServer: string; kb: string; orLater?: string }> = [
  { windowsServer: 'Windows Server 2022', kb: 'KB5006745', orLater: 'KB5007205' },
  { windowsServer: 'Windows Server 2019', kb: 'KB5006744', orLater: 'KB5007206' },
  { windowsServer: 'Windows Server 2016', kb: 'KB5006669' },
];

const CONTEXT_FEATURES: Partial<Record<Feature, string>> = {
  displayAppInformation: 'the application name',
  displayLocationInformation: 'the geographic location',
};

export interface PrerequisiteInput {
  feature: Feature;
  shape?: PolicyShape;
  /** The target the rollout is about to reach (a ring's, or the next checkpoint's). */
  target?: string | null;
}

export function needsNumberMatchingPrerequisites(input: PrerequisiteInput): boolean {
  return input.feature === 'numberMatching' && input.shape === 'legacy' && input.target?.toLowerCase() === ALL_USERS;
}

export function numberMatchingPrerequisites(): CardElement[] {
  return [
    heading('Check before number matching reaches all_users'),
    bullets([
      `NPS extension: every NPS server runs version ${NPS_MIN_VERSION} or later. From ${NPS_OTP_BY_DEFAULT_VERSION} on, a user who has a one-time passcode (OTP) method registered is asked for the code instead of Approve/Deny. Versions ${NPS_MIN_VERSION} to ${NPS_LAST_OVERRIDE_VERSION} do that only with the registry value ${NPS_OTP_OVERRIDE.value} = ${NPS_OTP_OVERRIDE.data} under ${NPS_OTP_OVERRIDE.key} (restart the NPS service after setting it); without it users keep Approve/Deny. The code prompt needs PAP on the RADIUS client: with MSCHAPv2 it fails.`,
      `AD FS adapter: install the October 2021 update for your Windows Server version, or any later cumulative update: ${ADFS_UPDATES.map((u) => `${u.windowsServer}: ${u.kb}${u.orLater ? ` (or later, e.g. ${u.orLater})` : ' or later'}`).join('; ')}. Without it, AD FS users keep the Approve/Deny experience.`,
    ]),
  ];
}

/** For the additional-context features: what NPS extension and AD FS users will not see. */
export function additionalContextNotice(feature: Feature): CardElement[] {
  const what = CONTEXT_FEATURES[feature];
  if (!what) return [];
  return [
    heading('Not shown on premises'),
    bullets([`Users who sign in through the NPS extension (VPN, RADIUS) or AD FS will not see ${what} in their Authenticator notification: the additional context reaches only cloud sign-ins.`]),
  ];
}

/**
 * What a card shows before `input.target` is reached, when that target is all_users (every plan ends there, so the
 * start card asks about all_users too): the number-matching checks for legacy number matching, the on-premises notice
 * for app-name and location rollouts. Empty otherwise.
 */
export function prerequisitesFor(input: PrerequisiteInput): CardElement[] {
  if (input.target?.toLowerCase() !== ALL_USERS) return [];
  if (needsNumberMatchingPrerequisites(input)) return numberMatchingPrerequisites();
  return additionalContextNotice(input.feature);
}
