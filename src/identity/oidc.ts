// National eID over OpenID Connect (authorization code flow with PKCE) through openid-client. This file
// only speaks the protocol: where the flow's secrets wait between the redirect and the callback, and what
// an account does with the verified person, belong to the routes and to commands/logInWithEid.ts.
import * as client from "openid-client";
import type { Config } from "../config.ts";

export type OidcSettings = NonNullable<Config["oidc"]>;

/** The secrets of one login, kept by the browser between the redirect and the callback. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The person as the provider vouches for them. */
export interface EidClaims {
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

export interface EidClient {
  /** Where to send the browser, and the checks its return must pass. */
  start(): Promise<{ url: URL; checks: OidcChecks }>;
  /**
   * Completes the code exchange for the callback's query string (`?code=…&state=…`): openid-client checks
   * state, issuer, PKCE, the ID token's signature, audience, lifetime and nonce. Throws when any fails.
   */
  finish(callbackQuery: string, checks: OidcChecks): Promise<EidClaims>;
}

export const EID_SCOPE = "openid email profile";

/** Plain http only for a provider on this machine (development and tests), never anywhere else. */
function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

/**
 * A client for the configured provider. Discovery happens on first use and its result is kept; a failed
 * discovery is forgotten, so the next login tries again.
 */
export function createEidClient(settings: OidcSettings, redirectUri: string): EidClient {
  const issuer = new URL(settings.issuer);
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = () => {
    discovered ??= client
      .discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
        timeout: 10,
        ...(issuer.protocol === "http:" && isLoopback(issuer)
          ? { execute: [client.allowInsecureRequests] }
          : {}),
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    async start() {
      const config = await configuration();
      const checks: OidcChecks = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: EID_SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url, checks };
    },

    async finish(callbackQuery, checks) {
      const config = await configuration();
      // The URL the provider redirected to, built from our own redirect_uri (not from the Host header).
      const current = new URL(redirectUri);
      current.search = callbackQuery;
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error("the token response carried no ID token");
      let claims: Record<string, unknown> = idToken;
      // Conformant providers put only `sub` in the ID token of a code flow and the scope's claims at the
      // UserInfo endpoint; openid-client checks that UserInfo speaks of the same `sub`.
      if (typeof idToken.email !== "string" || typeof idToken.name !== "string") {
        const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
        claims = { ...info, ...idToken };
      }
      return toEidClaims(idToken.sub, claims);
    },
  };
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** The claims the platform uses, read defensively (some providers send `"true"` for a boolean). */
export function toEidClaims(sub: string, claims: Record<string, unknown>): EidClaims {
  const given = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(" ");
  return {
    sub,
    email: text(claims.email),
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
    name: text(claims.name) ?? (given || undefined),
  };
}
