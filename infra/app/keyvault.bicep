// Key Vault (RBAC mode) for the two Teams secrets. The Function App reads them through Key Vault references with its
// user-assigned identity (Key Vault Secrets User); nobody reads them from app settings in clear.
param name string
param location string
param tags object
param identityPrincipalId string
@description('Person deploying; may set or rotate the secrets later (Key Vault Secrets Officer). Empty for none.')
param userPrincipalId string = ''
@description('"recover" restores the soft-deleted vault of the same name (after `azd down` without --purge), secrets included.')
@allowed(['default', 'recover'])
param createMode string = 'default'

@secure()
param teamsOutgoingWebhookSecret string
@secure()
param teamsNotifyUrl string

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    createMode: createMode
    // Soft delete (7 days) without purge protection: `azd down --purge` can then remove the vault for good.
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

// A secret is written only when a value is given: redeploying with an empty parameter must not wipe a secret that
// an administrator set or rotated in the vault since (the app settings reference the latest version either way).
resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(teamsOutgoingWebhookSecret)) {
  parent: vault
  name: 'teams-outgoing-webhook-secret'
  properties: {
    value: teamsOutgoingWebhookSecret
    contentType: 'Teams outgoing webhook security token (base64)'
  }
}

resource notifyUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(teamsNotifyUrl)) {
  parent: vault
  name: 'teams-notify-url'
  properties: {
    value: teamsNotifyUrl
    contentType: 'Teams Workflows webhook URL'
  }
}

resource identityReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userManages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(vault.id, userPrincipalId, secretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
    principalId: userPrincipalId
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
