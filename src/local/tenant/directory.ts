import { randomUUID } from 'node:crypto';
import { ALL_USERS } from '../../policy/types';
import type { NewGroup, NewUser, TenantGroup, TenantUser } from './types';

/** Users and groups (nested), with the transitive membership queries Graph answers. */
export class Directory {
  private readonly users = new Map<string, TenantUser>();
  private readonly groups = new Map<string, TenantGroup>();
  private readonly transitiveUsersCache = new Map<string, Set<string>>();

  constructor(users: TenantUser[], groups: TenantGroup[]) {
    for (const user of users) this.users.set(user.id, structuredClone(user));
    for (const group of groups) this.groups.set(group.id, structuredClone(group));
  }

  allUsers(): TenantUser[] {
    return [...this.users.values()];
  }

  user(id: string): TenantUser | undefined {
    return this.users.get(id);
  }

  group(id: string): TenantGroup | undefined {
    return this.groups.get(id);
  }

  exists(targetType: 'group' | 'user', id: string): boolean {
    return targetType === 'group' ? this.groups.has(id) : this.users.has(id);
  }

  addUser(input: NewUser): TenantUser {
    const user: TenantUser = {
      id: input.id ?? randomUUID(),
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName ?? input.userPrincipalName.split('@')[0] ?? input.userPrincipalName,
      methodsRegistered: [...(input.methodsRegistered ?? ['microsoftAuthenticatorPush'])],
    };
    if (this.users.has(user.id) || this.groups.has(user.id)) throw new Error(`An object with id ${user.id} already exists in the tenant.`);
    this.users.set(user.id, user);
    return structuredClone(user);
  }

  addGroup(input: NewGroup): TenantGroup {
    const group: TenantGroup = { id: input.id ?? randomUUID(), displayName: input.displayName, members: [] };
    if (this.users.has(group.id) || this.groups.has(group.id)) throw new Error(`An object with id ${group.id} already exists in the tenant.`);
    this.groups.set(group.id, group);
    for (const member of input.members ?? []) this.addMember(group.id, member);
    return structuredClone(group);
  }

  addMember(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`No group with id ${groupId} exists in the tenant.`);
    if (!this.users.has(memberId) && !this.groups.has(memberId)) throw new Error(`No user or group with id ${memberId} exists in the tenant.`);
    if (memberId === groupId || this.transitiveMembers(memberId).some((m) => m.id === groupId)) {
      throw new Error(`Adding ${memberId} to ${groupId} would make a membership cycle.`);
    }
    if (!group.members.includes(memberId)) group.members.push(memberId);
    this.transitiveUsersCache.clear();
  }

  /** Transitive members in breadth-first order (users and nested groups), each once. */
  transitiveMembers(groupId: string): { id: string; kind: 'user' | 'group' }[] {
    const seen = new Set<string>([groupId]);
    const result: { id: string; kind: 'user' | 'group' }[] = [];
    const queue = [groupId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const member of this.groups.get(next)?.members ?? []) {
        if (seen.has(member)) continue;
        seen.add(member);
        const kind = this.groups.has(member) ? 'group' : 'user';
        result.push({ id: member, kind });
        if (kind === 'group') queue.push(member);
      }
    }
    return result;
  }

  /** Ids of a target's transitive user members; 'all_users' is everyone. */
  memberUserIds(target: string): Set<string> {
    if (target === ALL_USERS) return new Set(this.users.keys());
    let cached = this.transitiveUsersCache.get(target);
    if (!cached) {
      cached = new Set(this.transitiveMembers(target).filter((m) => m.kind === 'user').map((m) => m.id));
      this.transitiveUsersCache.set(target, cached);
    }
    return cached;
  }

  /** Ids of the groups an object is a member of, directly or through nesting. */
  transitiveGroups(objectId: string): Set<string> {
    const found = new Set<string>();
    const queue = [objectId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const group of this.groups.values()) {
        if (!found.has(group.id) && group.members.includes(next)) {
          found.add(group.id);
          queue.push(group.id);
        }
      }
    }
    return found;
  }
}
