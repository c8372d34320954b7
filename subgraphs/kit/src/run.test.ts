import { serviceUrlsFrom } from './run';

test('SUBGRAPH_URL_<NAME> variables name the subgraphs a process calls; other variables are ignored', () => {
  const urls = serviceUrlsFrom({
    SUBGRAPH_URL_CUSTOMERS: 'http://customers:4001/graphql',
    SUBGRAPH_URL_FINANCE: 'http://finance:4006/graphql',
    SUBGRAPH_URL_EMPTY: '',
    PORT: '4004',
  });
  expect([...urls]).toEqual([
    ['customers', 'http://customers:4001/graphql'],
    ['finance', 'http://finance:4006/graphql'],
  ]);
});
