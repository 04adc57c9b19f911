import { ManagedIdentityCredential } from '@azure/identity';
import { ingestionCredential } from '../../src/telemetry';

describe('Entra-authenticated ingestion', () => {
  it('uses the managed identity named by APPLICATIONINSIGHTS_AUTHENTICATION_STRING when it says Authorization=AAD', () => {
    const credential = ingestionCredential({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=11111111-2222-4333-8444-555555555555;Authorization=AAD' });
    expect(credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('uses no credential when the setting is absent or names another scheme', () => {
    expect(ingestionCredential({})).toBeUndefined();
    expect(ingestionCredential({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=Key' })).toBeUndefined();
  });
});
