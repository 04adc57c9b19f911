import { errorDetails } from '../../src/telemetry/error-details';

describe('errorDetails', () => {
  it('reads name, message and stack from an Error', () => {
    const error = new TypeError('bad ring');
    expect(errorDetails(error)).toEqual({ name: 'TypeError', message: 'bad ring', stack: error.stack });
  });

  it('treats a thrown string as the message', () => {
    expect(errorDetails('Graph said no')).toEqual({ name: 'Error', message: 'Graph said no' });
  });

  it('reads a message-bearing object such as a Graph error body', () => {
    expect(errorDetails({ name: 'GraphError', message: 'Request_ResourceNotFound' })).toEqual({
      name: 'GraphError',
      message: 'Request_ResourceNotFound',
    });
  });

  it('describes any other thrown value instead of failing', () => {
    expect(errorDetails(42).message).toBe('non-error value thrown: 42');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorDetails(circular).message).toBe('non-error value thrown: object');
    expect(errorDetails(undefined).message).toBe('non-error value thrown: undefined');
  });
});
