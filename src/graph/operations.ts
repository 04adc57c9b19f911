/** What a Graph call is for: the words its errors use and the permission it needs. */
export interface Operation {
  /** A verb phrase completing "… trying to ___", e.g. "read group <id>". */
  action: string;
  /** The Microsoft Graph application permission the call needs. */
  permission: string;
  /** The sentence a 404 gets, saying what was missing. */
  missing?: string;
  /** A 400 means Graph refused to persist the policy. */
  policyWrite?: boolean;
}

export const POLICY_READ_PERMISSION = 'Policy.Read.All';
export const POLICY_WRITE_PERMISSION = 'Policy.ReadWrite.AuthenticationMethod';
export const GROUP_READ_PERMISSION = 'GroupMember.Read.All';
export const USER_READ_PERMISSION = 'User.Read.All';
export const AUDIT_LOG_PERMISSION = 'AuditLog.Read.All';

const CONFIG_NAME = 'the Microsoft Authenticator configuration';

export const operations = {
  readConfig: (apiVersion: string): Operation => ({
    action: `read ${CONFIG_NAME}`,
    permission: POLICY_READ_PERMISSION,
    missing: `${CONFIG_NAME} does not exist under /${apiVersion}/policies/authenticationMethodsPolicy.`,
  }),
  writeConfig: (): Operation => ({
    action: `update ${CONFIG_NAME}`,
    permission: POLICY_WRITE_PERMISSION,
    missing: `${CONFIG_NAME} does not exist, so it cannot be updated.`,
    policyWrite: true,
  }),
  readGroup: (id: string, what = `read group ${id}`): Operation => ({
    action: what,
    permission: GROUP_READ_PERMISSION,
    missing: `Group ${id} does not exist in the tenant; check the group object id (a ring's target in the plan).`,
  }),
  countUsers: (): Operation => ({ action: 'count the users of the tenant', permission: USER_READ_PERMISSION }),
  checkMembership: (groupId: string, objectId: string): Operation => ({
    action: `check whether ${objectId} is a member of group ${groupId}`,
    permission: GROUP_READ_PERMISSION,
    missing: `User or directory object ${objectId} does not exist in the tenant.`,
  }),
  readSignIns: (): Operation => ({ action: 'read the sign-in logs', permission: AUDIT_LOG_PERMISSION }),
  readRegistrations: (): Operation => ({
    action: 'read the authentication method registration details',
    permission: AUDIT_LOG_PERMISSION,
  }),
};
