// The Function App on Flex Consumption, running as its user-assigned identity, and every app setting the code reads.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
@description('Key Vault URI, ending with a slash.')
param keyVaultUri string
param graphBaseUrl string
param graphApiVersion string
param graphRequestTimeout string
param signInLag string
param minHealthInterval string
param minSoak string
param teamsTenantId string
param approverIds string
param approverGroupId string
param allowSelfApproval bool
param statusSchedule string
param digest bool
@description('Application (client) id of the rollout API\'s app registration: the audience App Service Authentication accepts.')
param authClientId string
@description('Application id URI of that registration.')
param authIdentifierUri string

@description('Rollouts are few and Graph allows 5 report requests per 10 s per app, whatever the instance count: keep it small.')
param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Deployments go through Entra ID (azd); publishing with basic credentials is switched off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}

// Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION are not allowed here. Booleans are written as the lower-case text the code compares
// with. Every setting is described in infra/README.md.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    AZURE_CLIENT_ID: identityClientId
    GRAPH_BASE_URL: graphBaseUrl
    GRAPH_API_VERSION: graphApiVersion
    GRAPH_REQUEST_TIMEOUT: graphRequestTimeout
    ROLLOUT_SIGNIN_LAG: signInLag
    ROLLOUT_MIN_HEALTH_INTERVAL: minHealthInterval
    ROLLOUT_MIN_SOAK: minSoak
    ROLLOUT_PUBLIC_BASE_URL: 'https://${functionApp.properties.defaultHostName}'
    ROLLOUT_STATUS_SCHEDULE: statusSchedule
    ROLLOUT_DIGEST: digest ? 'true' : 'false'
    ROLLOUT_APPROVER_IDS: approverIds
    ROLLOUT_APPROVER_GROUP_ID: approverGroupId
    ROLLOUT_ALLOW_SELF_APPROVAL: allowSelfApproval ? 'true' : 'false'
    // App Service Authentication (authSettings below) is in front of the API: the code then refuses a caller without a
    // signed-in principal, so that a function key alone can neither start nor approve.
    ROLLOUT_REQUIRE_AUTH: 'true'
    TEAMS_TENANT_ID: teamsTenantId
    // Versionless references: a rotated secret is picked up without redeploying.
    TEAMS_OUTGOING_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/teams-outgoing-webhook-secret)'
    TEAMS_NOTIFY_URL: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/teams-notify-url)'
  }
}

// App Service Authentication: every route needs an Entra ID access token for the rollout API (a caller without one
// gets 401 before any function runs), and the token's app roles reach the code in x-ms-client-principal. The Teams
// outgoing webhook cannot send a token: its route is excluded and keeps its own HMAC check.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/teams/webhook'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          // v2 access tokens carry the client id as audience; the application id URI is accepted too.
          allowedAudiences: [
            authClientId
            authIdentifierUri
          ]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
