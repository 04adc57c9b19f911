// azd postprovision hook: grants the managed identity its Microsoft Graph application permissions
// (infra/graph-permissions.json, explained in infra/PERMISSIONS.md).
//
// Why a hook and not Bicep: on a first `azd up` the identity is seconds old, and Microsoft Graph often does not know
// it yet, so the grant fails until it has replicated (msgraph-bicep-types #193). Here the grant is retried with
// backoff for up to GRANT_GRAPH_PERMISSIONS_TIMEOUT seconds (default 300). Granting needs the right to assign app
// roles (Privileged Role Administrator or Global Administrator); without it the hook says so, prints the command an
// administrator can run, and lets the deployment go on (the rollout's preflight then fails with Graph's 403 until the
// permissions exist). GRANT_GRAPH_PERMISSIONS=false skips the hook.
import { readFileSync } from 'node:fs';
import { call, sleep, tokenFor } from './azure.mjs';

const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
// Another cloud's Graph (e.g. https://graph.microsoft.us) with GRAPH_BASE_URL, the setting the app itself reads.
const graph = (process.env.GRAPH_BASE_URL || 'https://graph.microsoft.com').replace(/\/+$/, '');
const permissions = JSON.parse(readFileSync(new URL('../graph-permissions.json', import.meta.url), 'utf8'));
const identity = process.env.AZURE_MANAGED_IDENTITY_PRINCIPAL_ID;
const timeoutMs = Number(process.env.GRANT_GRAPH_PERMISSIONS_TIMEOUT || 300) * 1000;

function manualPath(principalId) {
  const id = principalId || '<AZURE_MANAGED_IDENTITY_PRINCIPAL_ID>';
  return [
    'An administrator (Privileged Role Administrator or Global Administrator) can grant them with:',
    `  node infra/hooks/grant-graph-permissions.mjs        (with AZURE_MANAGED_IDENTITY_PRINCIPAL_ID=${id})`,
    'or, for each permission, the Azure CLI command in infra/PERMISSIONS.md ("Granting by hand").',
  ].join('\n');
}

/** Graph's answer is "not found"-like while the new identity replicates. */
function replicating(result) {
  const code = result.json?.error?.code ?? '';
  const message = result.json?.error?.message ?? '';
  return result.status === 404 || (result.status === 400 && /does not exist|Request_ResourceNotFound|invalid.*principal/i.test(`${code} ${message}`));
}

function denied(result) {
  return result.status === 403 || result.json?.error?.code === 'Authorization_RequestDenied';
}

async function main() {
  if ((process.env.GRANT_GRAPH_PERMISSIONS ?? 'true').toLowerCase() === 'false') {
    console.log(`GRANT_GRAPH_PERMISSIONS=false: the Microsoft Graph permissions (${permissions.join(', ')}) are not granted here.\n${manualPath(identity)}`);
    return 0;
  }
  if (!identity) {
    console.error('AZURE_MANAGED_IDENTITY_PRINCIPAL_ID is not set: run this after `azd provision` (azd passes the outputs).');
    return 1;
  }
  const token = tokenFor(graph);
  const sp = await call('GET', `${graph}/v1.0/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')?$select=id,appRoles`, token);
  if (sp.status !== 200) throw new Error(`reading the Microsoft Graph service principal answered ${sp.status}: ${sp.json?.error?.message ?? ''}`);
  const roleIds = new Map(sp.json.appRoles.map((role) => [role.value, role.id]));
  const missingRoles = permissions.filter((p) => !roleIds.has(p));
  if (missingRoles.length > 0) throw new Error(`Microsoft Graph has no application permission named ${missingRoles.join(', ')}`);

  const deadline = Date.now() + timeoutMs;
  let delay = 5_000;
  for (let attempt = 1; attempt <= 30; attempt++) {
    const existing = await call('GET', `${graph}/v1.0/servicePrincipals/${identity}/appRoleAssignments?$select=appRoleId,resourceId`, token);
    if (existing.status === 200) {
      const held = new Set(existing.json.value.filter((a) => a.resourceId === sp.json.id).map((a) => a.appRoleId));
      const todo = permissions.filter((p) => !held.has(roleIds.get(p)));
      let waiting = false;
      for (const permission of todo) {
        const granted = await call('POST', `${graph}/v1.0/servicePrincipals/${identity}/appRoleAssignments`, token, {
          principalId: identity,
          resourceId: sp.json.id,
          appRoleId: roleIds.get(permission),
        });
        if (granted.status === 201) console.log(`granted ${permission}`);
        else if (granted.status === 409 || /already exists/i.test(granted.json?.error?.message ?? '')) console.log(`${permission} was already granted`);
        else if (denied(granted)) {
          console.error(
            `WARNING: you may not grant Microsoft Graph application permissions (${granted.status}: ${granted.json?.error?.code ?? 'denied'}).\n` +
              `The rollout cannot read or change the tenant until ${todo.join(', ')} are granted to the identity ${identity}.\n${manualPath(identity)}`,
          );
          return 0;
        } else if (replicating(granted)) waiting = true;
        else throw new Error(`granting ${permission} answered ${granted.status}: ${granted.json?.error?.message ?? ''}`);
      }
      if (!waiting) {
        console.log(`Microsoft Graph permissions of the identity: ${permissions.join(', ')}`);
        return 0;
      }
    } else if (denied(existing)) {
      console.error(`WARNING: you may not read the identity's app role assignments (${existing.status}).\n${manualPath(identity)}`);
      return 0;
    } else if (!replicating(existing)) {
      throw new Error(`reading the identity's app role assignments answered ${existing.status}: ${existing.json?.error?.message ?? ''}`);
    }
    if (Date.now() + delay > deadline) break;
    console.log(`the new identity is not known to Microsoft Graph yet (replication); retrying in ${delay / 1000} s`);
    await sleep(delay);
    delay = Math.min(delay * 2, 60_000);
  }
  console.error(`WARNING: the identity ${identity} was still not known to Microsoft Graph after ${timeoutMs / 1000} s. Run \`azd provision\` again later, or:\n${manualPath(identity)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`granting the Microsoft Graph permissions failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
