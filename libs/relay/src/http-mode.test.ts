import { HttpResponseAssembler } from './http-mode';

const response = (requestId: string, body: boolean) => ({
  requestId,
  statusCode: 200,
  responseHeaders: {},
  body,
});

describe('HttpResponseAssembler', () => {
  it('completes a response without a body at once, and one with a body on its binary frame', () => {
    const assembler = new HttpResponseAssembler();
    expect(assembler.response(response('a', false))).toEqual({
      fields: response('a', false),
      body: undefined,
    });
    expect(assembler.response(response('b', true))).toBeUndefined();
    const body = Buffer.from('payload');
    expect(assembler.body(body)).toEqual({ fields: response('b', true), body });
  });

  it('pairs a binary frame with nothing when no response announced one', () => {
    const assembler = new HttpResponseAssembler();
    expect(assembler.body(Buffer.from('stray'))).toBeUndefined();
    assembler.response(response('c', true));
    assembler.body(Buffer.from('one'));
    expect(assembler.body(Buffer.from('two'))).toBeUndefined();
  });
});
