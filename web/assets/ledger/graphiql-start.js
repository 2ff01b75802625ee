// Starts GraphiQL (vendored under /assets/graphiql/) against this service's /graphql. Every
// request needs a bearer token: paste one from `partnership-ledger token` into the headers.
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const headers = JSON.stringify(
  { Authorization: 'Bearer paste a token from `partnership-ledger token` here' },
  null,
  2,
);
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultHeaders: headers,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
  }),
);
