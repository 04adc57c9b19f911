import { ALL_USERS, type Feature, type PolicyShape } from '../policy/types';
import { bullets, heading, type CardElement } from './card-elements';

/**
 * What must be in place on premises before number matching reaches every user (Microsoft's number-matching guide).
 * Only the legacy policy shape needs it: in the current shape Microsoft already enforces number matching.
 */

export const NPS_MIN_VERSION = '1.0.1.40';
export const NPS_OTP_OVERRIDE = { key: 'HKLM\\SOFTWARE\\Microsoft\\AzureMfa', value: 'OVERRIDE_NUMBER_MATCHING_WITH_OTP', data: 'TRUE' } as const;
export const ADFS_UPDATES: ReadonlyArray<{ windowsServer: string; kb: string }> = [
  { windowsServer: 'Windows Server 2022', kb: 'KB5006745' },
  { windowsServer: 'Windows Server 2019', kb: 'KB5006744' },
  { windowsServer: 'Windows Server 2016', kb: 'KB5006669' },
];

export function needsNumberMatchingPrerequisites(input: { feature: Feature; shape?: PolicyShape; target?: string | null }): boolean {
  return input.feature === 'numberMatching' && input.shape === 'legacy' && input.target?.toLowerCase() === ALL_USERS;
}

export function numberMatchingPrerequisites(): CardElement[] {
  return [
    heading('Check before number matching reaches all_users'),
    bullets([
      `NPS extension: every NPS server runs version ${NPS_MIN_VERSION} or later. Users still see Approve/Deny there (the NPS extension cannot show a number), unless registry value ${NPS_OTP_OVERRIDE.value} = ${NPS_OTP_OVERRIDE.data} is set under ${NPS_OTP_OVERRIDE.key} (then users with an OTP method registered get an OTP prompt; restart the NPS service after setting it).`,
      `AD FS adapter: install the update for your Windows Server version - ${ADFS_UPDATES.map((u) => `${u.windowsServer}: ${u.kb}`).join(', ')}. Without it, AD FS users keep the Approve/Deny experience.`,
    ]),
  ];
}
