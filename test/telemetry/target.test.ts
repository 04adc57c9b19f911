import { dependencyTarget } from '../../src/telemetry/target';

describe('dependencyTarget', () => {
  it('keeps scheme, host and path of a Graph URL and drops its query and fragment', () => {
    expect(
      dependencyTarget('Microsoft Graph', "https://graph.microsoft.com/v1.0/auditLogs/signIns?$filter=userId eq 'x'#top"),
    ).toBe('https://graph.microsoft.com/v1.0/auditLogs/signIns');
  });

  it('drops the query of a Graph path given without a host', () => {
    expect(dependencyTarget('Microsoft Graph', '/v1.0/groups/abc/members?$top=999')).toBe('/v1.0/groups/abc/members');
  });

  it('never keeps user information from a URL', () => {
    expect(dependencyTarget('Microsoft Graph', 'https://user:pass@graph.microsoft.com/v1.0/me')).toBe(
      'https://graph.microsoft.com/v1.0/me',
    );
  });

  it('keeps only the host of a Teams Workflows URL, never its path or signature', () => {
    expect(
      dependencyTarget('Teams Workflows', 'https://prod-27.westeurope.logic.azure.com:443/workflows/8c1f/triggers/manual/paths/invoke?sig=abc'),
    ).toBe('prod-27.westeurope.logic.azure.com');
  });

  it('keeps only the host of a Teams Workflows address written without a scheme', () => {
    expect(dependencyTarget('Teams Workflows', 'prod-27.westeurope.logic.azure.com/workflows/8c1f?sig=abc')).toBe(
      'prod-27.westeurope.logic.azure.com',
    );
  });

  it('redacts a Teams Workflows target it cannot read a host from', () => {
    expect(dependencyTarget('Teams Workflows', '?sig=abc')).toBe('[redacted]');
  });
});
