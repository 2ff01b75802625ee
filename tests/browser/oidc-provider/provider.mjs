// A real OpenID provider for the browser tests: oidc-provider (a certified implementation of
// OpenID Connect), in memory, with its development login pages (any password), two clients
// (this service, `ledger`, and another, `other`) and two accounts: an officer of QMJ, and
// someone with no role. PKCE is required. The role and ODS codes come in the ID token, in the
// `roles` and `ods_codes` claims of the `ledger` scope.
//
// Usage: node provider.mjs PORT REDIRECT_URI
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const redirect = process.argv[3];
const accounts = {
  officer: { email: 'officer@example.nhs.uk', roles: ['ENGAGEMENT_OFFICER'], ods_codes: ['QMJ'] },
  norole: { email: 'nobody@example.nhs.uk', roles: ['VISITOR'], ods_codes: ['QMJ'] },
};
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    { client_id: 'ledger', client_secret: 'ledger-secret-for-tests-only', redirect_uris: [redirect] },
    { client_id: 'other', client_secret: 'other-secret-for-tests-only', redirect_uris: [redirect] },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email'], ledger: ['roles', 'ods_codes'] },
  scopes: ['openid', 'email', 'ledger'],
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, ...(accounts[id] || {}) }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['a-cookie-key-for-tests-only'] },
});
provider.listen(port, () => console.log(`ready on ${port}`));
