// Microsoft Graph application permissions (app roles) for the managed identity, and nothing more.
// Why each one is needed, and which were considered and left out: infra/PERMISSIONS.md.
// Deploying this module needs a deployer allowed to assign app roles (Privileged Role Administrator or Global
// Administrator): the Graph Bicep extension acts with the deployer's own Entra permissions.
extension microsoftGraphV1

param identityPrincipalId string

var microsoftGraphAppId = '00000003-0000-0000-c000-000000000000'

var graphAppRoles = [
  'Policy.ReadWrite.AuthenticationMethod'
  'GroupMember.Read.All'
  'AuditLog.Read.All'
  'Directory.Read.All'
]

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
