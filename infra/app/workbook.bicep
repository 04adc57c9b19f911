// The rollout workbook (timeline, health per ring, approvals, rollbacks) over the Application Insights resource.
param location string
param tags object
param applicationInsightsId string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; derived from the component so redeployments update the same workbook.
  name: guid(applicationInsightsId, 'authenticator-rollout-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Authenticator rollouts'
    category: 'workbook'
    // The portal lists a workbook under a resource only when sourceId is the lower-cased resource id.
    sourceId: toLower(applicationInsightsId)
    // Opened from the gallery (not from the resource), a workbook queries its fallbackResourceIds: the component.
    serializedData: string(union(loadJsonContent('../workbook.json'), { fallbackResourceIds: [applicationInsightsId] }))
  }
}

output id string = workbook.id
