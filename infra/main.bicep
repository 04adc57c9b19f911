targetScope = 'subscription'

// The rollout orchestrator: a Flex Consumption Function App whose user-assigned managed identity is the only
// credential anywhere (storage, Application Insights ingestion, Key Vault references, Microsoft Graph).

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person deploying (azd sets AZURE_PRINCIPAL_ID; a user, or a service principal in CI). Gets data access to the storage account and may set the Key Vault secrets later. Empty for none.')
param principalId string = ''

@description('Microsoft Graph API version the gateway calls: v1.0 (featureSettings shape) or beta (legacy per-target shape).')
@allowed(['v1.0', 'beta'])
@description('Empty: the app picks the version per feature (beta for the companion app and legacy tenants). Set only to force one.')
param graphApiVersion string = ''
@description('ISO 8601 timeout of every Microsoft Graph request, token acquisition included.')
param graphRequestTimeout string = 'PT30S'
@description('ISO 8601 time sign-ins take to reach the log; each health check counts up to its time less this (PT0S allowed).')
param signInLag string = 'PT5M'
@description('ISO 8601 floor on a plan\'s health.interval.')
param minHealthInterval string = 'PT1M'

@description('Shortest soak a plan may ask for, as an ISO 8601 duration.')
param minSoak string = 'PT15M'

@description('Tenant id Teams approvals must come from. Empty: the tenant of this deployment.')
param teamsTenantId string = ''

@description('Comma-separated Entra object ids of the people allowed to approve a ring.')
param approverIds string = ''

@description('Object id of an Entra group whose transitive members may approve a ring. Empty for none.')
param approverGroupId string = ''

@description('Whether the person who started a rollout may approve its rings.')
param allowSelfApproval bool = false

@description('NCRONTAB schedule (six fields, seconds first) of the status check of running rollouts.')
param statusSchedule string = '0 */15 * * * *'

@description('Whether a daily digest of rollouts is posted to Teams.')
param digest bool = false

@secure()
@description('Security token of the Teams outgoing webhook (base64, shown once when the webhook is created). Empty: set it in Key Vault later.')
param teamsOutgoingWebhookSecret string = ''

@secure()
@description('URL of the Teams Workflows "post to a channel when a webhook request is received" flow. Empty: set it in Key Vault later.')
param teamsNotifyUrl string = ''

@description('Grant the Microsoft Graph application permissions in this deployment (Graph Bicep extension). Off by default: the identity is created seconds earlier and is often not replicated yet, so the grant fails on a first deployment (msgraph-bicep-types #193); the postprovision hook grants them instead, retrying (infra/hooks/grant-graph-permissions.mjs). Either way the deployer must be allowed to assign app roles (infra/PERMISSIONS.md).')
param grantGraphPermissionsInBicep bool = false

@description('How the Key Vault is created: "recover" brings back the soft-deleted vault of an earlier `azd down` without --purge (the preprovision hook sets it when it finds one), "default" creates it.')
@allowed(['default', 'recover'])
param keyVaultCreateMode string = 'default'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-rollout-${resourceToken}'
// Key Vault names are global and stay taken while a deleted vault is soft-deleted (7 days): see keyVaultCreateMode.
var keyVaultName = 'kv-rollout-${take(resourceToken, 13)}'
var deploymentContainerName = 'app-package-${take(resourceToken, 12)}'
// environment().graph ends with a slash; the gateway joins paths itself.
var cloudGraphUrl = environment().graph
var graphBaseUrl = endsWith(cloudGraphUrl, '/') ? substring(cloudGraphUrl, 0, length(cloudGraphUrl) - 1) : cloudGraphUrl

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-rollout-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'strollout${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-rollout-${resourceToken}'
    applicationInsightsName: 'appi-rollout-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    createMode: keyVaultCreateMode
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    teamsOutgoingWebhookSecret: teamsOutgoingWebhookSecret
    teamsNotifyUrl: teamsNotifyUrl
  }
}

// The API's app registration and its app roles (Rollout.Operator, Rollout.Approver), for App Service Authentication.
module registration 'app/registration.bicep' = {
  name: 'registration'
  scope: rg
  params: {
    uniqueName: 'authenticator-rollout-${resourceToken}'
    displayName: 'Authenticator rollout (${environmentName})'
    identifierUri: 'api://${tenant().tenantId}/${functionAppName}'
  }
}

// The storage and Key Vault modules assign the identity's roles themselves, so the app (which uses their outputs) is
// created only after its roles exist: a first host start without them fails and is not retried for a while.
module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-rollout-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    graphBaseUrl: graphBaseUrl
    graphApiVersion: graphApiVersion
    graphRequestTimeout: graphRequestTimeout
    signInLag: signInLag
    minHealthInterval: minHealthInterval
    minSoak: minSoak
    teamsTenantId: empty(teamsTenantId) ? tenant().tenantId : teamsTenantId
    approverIds: approverIds
    approverGroupId: approverGroupId
    allowSelfApproval: allowSelfApproval
    statusSchedule: statusSchedule
    digest: digest
    authClientId: registration.outputs.clientId
    authIdentifierUri: registration.outputs.identifierUri
  }
}

module graphPermissions 'app/graph-permissions.bicep' = if (grantGraphPermissionsInBicep) {
  name: 'graph-permissions'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
// Not AZURE_CLIENT_ID: tools that load the azd environment would take it for their own identity.
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output ROLLOUT_WORKBOOK_ID string = workbook.outputs.id
output ROLLOUT_API_CLIENT_ID string = registration.outputs.clientId
output ROLLOUT_API_SCOPE string = '${registration.outputs.identifierUri}/user_impersonation'
output ROLLOUT_API_SERVICE_PRINCIPAL_ID string = registration.outputs.servicePrincipalId
