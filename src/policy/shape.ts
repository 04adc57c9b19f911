import { PolicyError } from './errors';
import { isObject } from './json';
import {
  ALL_USERS,
  FEATURE_KEYS,
  NO_EXCLUDE_GROUP,
  type AdvancedConfigState,
  type AuthenticatorConfig,
  type Feature,
  type JsonObject,
  type JsonValue,
  type PolicyShape,
} from './types';

/** Readers that validate the parts of a configuration the engine relies on, with errors that name the bad property. */

const STATES: readonly string[] = ['default', 'enabled', 'disabled'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function detectShape(config: AuthenticatorConfig): PolicyShape {
  return isObject(config.featureSettings) ? 'featureSettings' : 'legacy';
}

/** Directory object ids are GUIDs, which Graph compares without regard to case. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function isTargetId(value: unknown): value is string {
  return typeof value === 'string' && (value === ALL_USERS || GUID.test(value));
}

/** One featureSettings entry, validated. */
export interface ParsedEntry {
  raw: JsonObject;
  state: AdvancedConfigState;
  includeId: string;
  /** The exclude group id; Graph's "nobody excluded" id when the entry has no excludeTarget. */
  excludeId: string;
}

/** One legacy includeTargets item, validated; `state` is undefined when the item does not carry the feature's key. */
export interface ParsedTarget {
  raw: JsonObject;
  id: string;
  state: AdvancedConfigState | undefined;
}

export function readEntry(config: AuthenticatorConfig, feature: Feature): ParsedEntry | undefined {
  const settings = config.featureSettings;
  const key = FEATURE_KEYS[feature];
  if (!isObject(settings) || settings[key] === undefined) return undefined;
  const where = `featureSettings.${key}`;
  const raw = settings[key];
  if (!isObject(raw)) throw malformed(`${where} must be an object with state, includeTarget and excludeTarget.`);
  const state = parseState(raw.state, `${where}.state`);
  if (state === undefined) throw malformed(`${where}.state is missing; expected one of ${STATES.join(', ')}.`);
  const includeId = targetIdOf(raw.includeTarget, `${where}.includeTarget`);
  const excludeId = raw.excludeTarget === undefined ? NO_EXCLUDE_GROUP : targetIdOf(raw.excludeTarget, `${where}.excludeTarget`);
  return { raw, state, includeId, excludeId };
}

export function readTargets(config: AuthenticatorConfig, feature: Feature): ParsedTarget[] {
  const targets = config.includeTargets;
  if (!Array.isArray(targets)) {
    throw malformed('includeTargets is missing or not a list; read the configuration from /beta so that its include targets are returned.');
  }
  const key = FEATURE_KEYS[feature];
  return targets.map((raw, index) => {
    const where = `includeTargets[${index}]`;
    if (!isObject(raw)) throw malformed(`${where} must be an object with targetType and id.`);
    if (typeof raw.id !== 'string' || raw.id === '') throw malformed(`${where}.id is missing; expected an object id or "${ALL_USERS}".`);
    return { raw, id: raw.id, state: parseState(raw[key], `${where}.${key}`) };
  });
}

/** The method-level exclude targets of a legacy configuration (ids only; items without an id are ignored). */
export function legacyExcludeIds(config: AuthenticatorConfig): string[] {
  const excludes = config.excludeTargets;
  if (!Array.isArray(excludes)) return [];
  return excludes.flatMap((item) => (isObject(item) && typeof item.id === 'string' ? [item.id] : []));
}

function parseState(value: JsonValue | undefined, where: string): AdvancedConfigState | undefined {
  if (value === undefined) return undefined;
  if (value === 'default' || value === 'enabled' || value === 'disabled') return value;
  throw malformed(`${where} is ${JSON.stringify(value)}; expected one of ${STATES.join(', ')}.`);
}

function targetIdOf(value: JsonValue | undefined, where: string): string {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') {
    throw malformed(`${where} must be an object with targetType "group" and an id.`);
  }
  return value.id;
}

function malformed(message: string): PolicyError {
  return new PolicyError('MalformedConfig', `The Microsoft Authenticator configuration is not in a shape this tool understands: ${message}`);
}
