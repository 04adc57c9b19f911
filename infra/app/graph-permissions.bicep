// Microsoft Graph application permissions (app roles) for the managed identity, and nothing more.
// Why each one is needed, and which were considered and left out: infra/PERMISSIONS.md.
// Deployed only with GRANT_GRAPH_PERMISSIONS_IN_BICEP=true, on an identity that has had time to replicate; by default
// the postprovision hook (infra/hooks/grant-graph-permissions.mjs) grants the same list, retrying. Either way the
// deployer must be allowed to assign app roles (Privileged Role Administrator or Global Administrator): the Graph
// Bicep extension acts with the deployer's own Entra permissions.
extension microsoftGraphV1

param identityPrincipalId string

var microsoftGraphAppId = '00000003-0000-0000-c000-000000000000'

// The one list of permissions, shared with the postprovision hook.
var graphAppRoles = loadJsonContent('../graph-permissions.json')

resource microsoftGraph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: microsoftGraphAppId
}

// App role ids are looked up by permission name on the tenant's Microsoft Graph service principal, not hard-coded.
resource grants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for role in graphAppRoles: {
    principalId: identityPrincipalId
    resourceId: microsoftGraph.id
    appRoleId: filter(microsoftGraph.appRoles, appRole => appRole.value == role)[0].id
  }
]
