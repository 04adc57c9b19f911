import { randomUUID } from 'node:crypto';
import { ALL_USERS } from '../../policy/types';
import { demoMethodsRegistered, demoUser, demoUserId, demoUserIndex, demoUserPrincipalName } from './demo-data';
import { hashString } from './hash';
import type { NewGroup, NewUser, TenantGroup, TenantUser } from './types';

/**
 * A user as the sign-in generator sees it: a population index (a generated user, materialised only when a record
 * needs its names) or an explicit user.
 */
export type UserHandle = number | TenantUser;

export interface MemberObject {
  id: string;
  kind: 'user' | 'group';
}

const RESOLVED_CACHE = 10_000;

interface Range {
  from: number;
  to: number;
}

/** Everything a group reaches transitively, kept small: explicit ids and merged index ranges, never 50,000 ids. */
interface Closure {
  groupIds: string[];
  groupSet: Set<string>;
  /** Explicit user members (seed or added users, and population users outside the ranges), first-seen order. */
  explicitUsers: string[];
  explicitSet: Set<string>;
  /** Disjoint, ascending ranges of population indices. */
  ranges: Range[];
  rangeSize: number;
}

/**
 * Users and groups (nested), with the transitive membership queries Graph answers. Users are a generated population
 * (index 0..population-1, derived on demand) plus explicit users; groups list direct members and may hold a range of
 * the population, so a 100,000-user tenant with 50,000-member rings costs kilobytes.
 */
export class Directory {
  private readonly extraUsers = new Map<string, TenantUser>();
  private readonly groups = new Map<string, TenantGroup>();
  private readonly closures = new Map<string, Closure>();
  private readonly resolved = new Map<number, TenantUser>();
  /** Changes whenever users or memberships change, so that caches built on membership know they are stale. */
  revision = 0;

  constructor(
    readonly population: number,
    users: TenantUser[],
    groups: TenantGroup[],
  ) {
    for (const user of users) this.extraUsers.set(user.id, structuredClone(user));
    for (const group of groups) this.groups.set(group.id, structuredClone(group));
  }

  userCount(): number {
    return this.population + this.extraUsers.size;
  }

  /** The user at a position of the directory's stable order (population first, then explicit users). */
  userAt(position: number): TenantUser | undefined {
    if (position < this.population) return demoUser(position);
    let i = this.population;
    for (const user of this.extraUsers.values()) if (i++ === position) return user;
    return undefined;
  }

  /** Explicit users' registered methods cheaply; population users' from their index. */
  methodsAt(position: number): string[] | undefined {
    return position < this.population ? demoMethodsRegistered(position) : this.userAt(position)?.methodsRegistered;
  }

  user(id: string): TenantUser | undefined {
    const index = demoUserIndex(id, this.population);
    return index === undefined ? this.extraUsers.get(id) : demoUser(index);
  }

  userByPrincipalName(upn: string): TenantUser | undefined {
    const wanted = upn.toLowerCase();
    for (let i = 0; i < this.population; i++) if (demoUserPrincipalName(i) === wanted) return demoUser(i);
    return [...this.extraUsers.values()].find((u) => u.userPrincipalName === wanted);
  }

  handleOf(id: string): UserHandle | undefined {
    return demoUserIndex(id, this.population) ?? this.extraUsers.get(id);
  }

  /** The user behind a handle; generated users are kept in a small cache, since a page of records names each many times. */
  resolve(handle: UserHandle): TenantUser {
    if (typeof handle !== 'number') return handle;
    let user = this.resolved.get(handle);
    if (!user) {
      if (this.resolved.size >= RESOLVED_CACHE) this.resolved.clear();
      user = demoUser(handle);
      this.resolved.set(handle, user);
    }
    return user;
  }

  /**
   * A stable 32-bit key per user, the seed of its generated sign-ins and part of their ids: the index for generated
   * users (below 2^31), a hash with the top bit set for explicit ones, so the two never meet.
   */
  keyOf(handle: UserHandle): number {
    return typeof handle === 'number' ? handle : (hashString(handle.id) | 0x80000000) >>> 0;
  }

  group(id: string): TenantGroup | undefined {
    return this.groups.get(id);
  }

  exists(targetType: 'group' | 'user', id: string): boolean {
    return targetType === 'group' ? this.groups.has(id) : this.user(id) !== undefined;
  }

  addUser(input: NewUser): TenantUser {
    const user: TenantUser = {
      id: input.id ?? randomUUID(),
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName ?? input.userPrincipalName.split('@')[0] ?? input.userPrincipalName,
      methodsRegistered: [...(input.methodsRegistered ?? ['microsoftAuthenticatorPush'])],
    };
    if (this.user(user.id) || this.groups.has(user.id)) throw new Error(`An object with id ${user.id} already exists in the tenant.`);
    this.extraUsers.set(user.id, user);
    this.revision++;
    return structuredClone(user);
  }

  addGroup(input: NewGroup): TenantGroup {
    const group: TenantGroup = { id: input.id ?? randomUUID(), displayName: input.displayName, members: [] };
    if (this.user(group.id) || this.groups.has(group.id)) throw new Error(`An object with id ${group.id} already exists in the tenant.`);
    this.groups.set(group.id, group);
    for (const member of input.members ?? []) this.addMember(group.id, member);
    return structuredClone(group);
  }

  addMember(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`No group with id ${groupId} exists in the tenant.`);
    if (!this.user(memberId) && !this.groups.has(memberId)) throw new Error(`No user or group with id ${memberId} exists in the tenant.`);
    if (memberId === groupId || (this.groups.has(memberId) && this.closure(memberId).groupSet.has(groupId))) {
      throw new Error(`Adding ${memberId} to ${groupId} would make a membership cycle.`);
    }
    if (!group.members.includes(memberId)) group.members.push(memberId);
    this.closures.clear();
    this.revision++;
  }

  /** How many objects transitiveMembers lists (users and nested groups, or users only). */
  transitiveCount(groupId: string, usersOnly: boolean): number {
    const c = this.closure(groupId);
    return c.explicitUsers.length + c.rangeSize + (usersOnly ? 0 : c.groupIds.length);
  }

  /**
   * One page of a group's transitive members, each once, from a position in a stable order: nested groups, then
   * explicit users, then the population ranges. Positions are addressed directly, so paging 50,000 members never
   * lists them all.
   */
  transitivePage(groupId: string, usersOnly: boolean, position: number, limit: number): MemberObject[] {
    const c = this.closure(groupId);
    const groups = usersOnly ? [] : c.groupIds;
    const page: MemberObject[] = [];
    for (let p = position; page.length < limit; p++) {
      if (p < groups.length) {
        page.push({ id: groups[p] ?? '', kind: 'group' });
        continue;
      }
      const u = p - groups.length;
      if (u < c.explicitUsers.length) {
        page.push({ id: c.explicitUsers[u] ?? '', kind: 'user' });
        continue;
      }
      const index = rangeIndexAt(c.ranges, u - c.explicitUsers.length);
      if (index === undefined) break;
      page.push({ id: demoUserId(index), kind: 'user' });
    }
    return page;
  }

  /** Whether a user is a transitive member of a target ('all_users': every user). */
  isMember(target: string, handle: UserHandle): boolean {
    if (target === ALL_USERS) return true;
    if (!this.groups.has(target)) return false;
    const c = this.closure(target);
    if (typeof handle !== 'number') return c.explicitSet.has(handle.id);
    return inRanges(c.ranges, handle) || c.explicitSet.has(demoUserId(handle));
  }

  /** Calls visit with each user of a target ('all_users': everyone), each once. */
  forEachMember(target: string, visit: (handle: UserHandle) => void): void {
    if (target === ALL_USERS) {
      for (let i = 0; i < this.population; i++) visit(i);
      for (const user of this.extraUsers.values()) visit(user);
      return;
    }
    const c = this.closure(target);
    for (const id of c.explicitUsers) {
      const handle = this.handleOf(id);
      if (handle !== undefined) visit(handle);
    }
    for (const range of c.ranges) for (let i = range.from; i < range.to; i++) visit(i);
  }

  /** Ids of the groups an object is a member of, directly or through nesting. */
  transitiveGroups(objectId: string): Set<string> {
    const found = new Set<string>();
    const handle = this.handleOf(objectId);
    for (const group of this.groups.values()) {
      const c = this.closure(group.id);
      if (handle !== undefined ? this.isMember(group.id, handle) : c.groupSet.has(objectId)) found.add(group.id);
    }
    return found;
  }

  private closure(groupId: string): Closure {
    const cached = this.closures.get(groupId);
    if (cached) return cached;
    const groupSet = new Set<string>([groupId]);
    const groupIds: string[] = [];
    const rawRanges: Range[] = [];
    const explicit: string[] = [];
    const queue = [groupId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const group = this.groups.get(next);
      if (!group) continue;
      if (group.memberRange) {
        const to = Math.min(group.memberRange.to, this.population);
        if (to > group.memberRange.from) rawRanges.push({ from: group.memberRange.from, to });
      }
      for (const member of group.members) {
        if (this.groups.has(member)) {
          if (groupSet.has(member)) continue;
          groupSet.add(member);
          groupIds.push(member);
          queue.push(member);
        } else explicit.push(member);
      }
    }
    groupSet.delete(groupId);
    const ranges = mergeRanges(rawRanges);
    const explicitSet = new Set<string>();
    const explicitUsers: string[] = [];
    for (const id of explicit) {
      const index = demoUserIndex(id, this.population);
      if (explicitSet.has(id) || (index !== undefined && inRanges(ranges, index))) continue;
      explicitSet.add(id);
      explicitUsers.push(id);
    }
    const closure: Closure = { groupIds, groupSet, explicitUsers, explicitSet, ranges, rangeSize: ranges.reduce((n, r) => n + r.to - r.from, 0) };
    this.closures.set(groupId, closure);
    return closure;
  }
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: Range[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged;
}

function inRanges(ranges: readonly Range[], index: number): boolean {
  return ranges.some((r) => index >= r.from && index < r.to);
}

function rangeIndexAt(ranges: readonly Range[], offset: number): number | undefined {
  let left = offset;
  for (const r of ranges) {
    if (left < r.to - r.from) return r.from + left;
    left -= r.to - r.from;
  }
  return undefined;
}
