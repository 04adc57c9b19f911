const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Why an Application Insights connection string cannot work, or undefined when it can. Checked before the SDK is
 * loaded: the SDK accepts a broken one silently and then drops every item. The problem never quotes the value.
 */
export function connectionStringProblem(connectionString: string): string | undefined {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0) fields.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
  }
  const key = fields.get('instrumentationkey');
  if (key === undefined) return 'the Application Insights connection string has no InstrumentationKey';
  if (!GUID.test(key)) return 'the InstrumentationKey in the Application Insights connection string is not a GUID';
  const endpoint = fields.get('ingestionendpoint');
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    return 'the IngestionEndpoint in the Application Insights connection string is not an http(s) URL';
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
