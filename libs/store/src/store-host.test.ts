import { redactCredentials, storeHost } from './store-host';

describe('naming the store in logs without its credentials', () => {
  it.each([
    ['mongodb://127.0.0.1:27017', '127.0.0.1:27017'],
    ['mongodb://user:p%40ss@db.internal:27017/app?authSource=admin', 'db.internal:27017'],
    ['mongodb://u:p@a:27017,b:27017/app?replicaSet=rs0', 'a:27017,b:27017'],
    ['mongodb+srv://u:p@cluster0.example.net/app', 'cluster0.example.net'],
  ])('%s -> %s', (url, host) => {
    expect(storeHost(url)).toBe(host);
  });

  it('redacts credentials inside any message', () => {
    expect(redactCredentials('failed for mongodb://u:secret@h:1/db and amqp://g:g@x')).toBe(
      'failed for mongodb://***@h:1/db and amqp://***@x',
    );
  });
});
