// Shared by the azd hooks: an access token from the deployer's own sign-in, and JSON calls with retries.
import { execFileSync } from 'node:child_process';

/**
 * A token for `resource` (e.g. https://graph.microsoft.com) as the person running azd: `azd auth token`, else the
 * Azure CLI. Never printed.
 */
export function tokenFor(resource) {
  const attempts = [
    ['azd', ['auth', 'token', '--output', 'json', '--scope', `${resource}/.default`], (out) => JSON.parse(out).token],
    ['az', ['account', 'get-access-token', '--resource', resource, '--query', 'accessToken', '--output', 'tsv'], (out) => out.trim()],
  ];
  for (const [command, args, read] of attempts) {
    try {
      const token = read(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], shell: process.platform === 'win32' }));
      if (token) return token;
    } catch {
      // Not installed or not signed in: try the next tool.
    }
  }
  throw new Error(`could not get a token for ${resource}: sign in with \`azd auth login\` (or \`az login\`)`);
}

/** One JSON request; the body of an error answer is kept for the message (it names the Graph error code). */
export async function call(method, url, token, body) {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { raw: text.slice(0, 300) };
  }
  return { status: response.status, json };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
