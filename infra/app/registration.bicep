// The rollout API's app registration (Microsoft Graph Bicep extension): the audience App Service Authentication
// accepts, and the app roles that decide who may do what. Assign the roles to people and groups in Entra ID (README,
// "Assigning roles"); a person with neither role cannot get a token for the API at all (appRoleAssignmentRequired).
extension microsoftGraphV1

@description('Unique per tenant; the same value on every deployment updates the same registration.')
param uniqueName string
param displayName string
@description('Application id URI, e.g. api://<tenant id>/<function app name>.')
param identifierUri string

// Well-known application id of the Azure CLI, pre-authorized so that `az account get-access-token --scope
// <identifierUri>/user_impersonation` gets a token for the API without a consent prompt.
var azureCliAppId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
var scopeId = guid(uniqueName, 'user_impersonation')

resource registration 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: [
    identifierUri
  ]
  api: {
    requestedAccessTokenVersion: 2
    oauth2PermissionScopes: [
      {
        id: scopeId
        value: 'user_impersonation'
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Use the Authenticator rollout API'
        adminConsentDescription: 'Call the Authenticator rollout API as the signed-in user; what the user may do there is decided by the app roles assigned to them.'
        userConsentDisplayName: 'Use the Authenticator rollout API'
        userConsentDescription: 'Call the Authenticator rollout API as you.'
      }
    ]
    preAuthorizedApplications: [
      {
        appId: azureCliAppId
        delegatedPermissionIds: [
          scopeId
        ]
      }
    ]
  }
  appRoles: [
    {
      id: guid(uniqueName, 'Rollout.Operator')
      value: 'Rollout.Operator'
      displayName: 'Rollout operator'
      description: 'Start rollouts, and pause, resume or abort them.'
      allowedMemberTypes: [
        'User'
        'Application'
      ]
      isEnabled: true
    }
    {
      id: guid(uniqueName, 'Rollout.Approver')
      value: 'Rollout.Approver'
      displayName: 'Rollout approver'
      description: 'Approve or reject a ring at its checkpoint (never a rollout the same person started, unless self-approval is allowed).'
      allowedMemberTypes: [
        'User'
        'Application'
      ]
      isEnabled: true
    }
  ]
}

resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: registration.appId
  appRoleAssignmentRequired: true
}

output clientId string = registration.appId
output identifierUri string = identifierUri
output servicePrincipalId string = servicePrincipal.id
