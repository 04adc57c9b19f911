/**
 * App settings as the code reads them. An empty value is unset; so is a Key Vault reference that App Service could not
 * resolve (it then passes the literal `@Microsoft.KeyVault(...)` text, e.g. before the secret was stored), so that a
 * missing secret means "not configured" rather than a wrong secret.
 */
export function appSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value || value.startsWith('@Microsoft.KeyVault(')) return undefined;
  return value;
}
