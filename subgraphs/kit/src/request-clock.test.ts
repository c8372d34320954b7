import { requestNow } from './request-clock';

test('requestNow is read once per context object, so one request sees one instant', async () => {
  const request = {};
  const first = requestNow(request);
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(requestNow(request)).toBe(first);
  expect(requestNow({})).not.toBe(first);
});
