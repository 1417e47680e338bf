// Three chained turns of the official openai package's Responses WebSocket client
// (openai/resources/responses/ws, ResponsesWS) against flint-backend on 127.0.0.1.
// usage: node openai_ws_turns.js PORT   (NODE_PATH holds the openai and ws packages)
// Checks, per turn: the events come in the documented order with rising sequence numbers,
// the deltas add up to output_text.done's text and to the completed response's output text,
// the answer is the one asked for ("echo: ..."), and turns 2 and 3 are chained to the
// previous response (previous_response_id, echoed in the response). Every frame must be one
// JSON object with a type (the client emits 'raw' or 'error' otherwise). Prints "ok ..." lines; exits 1
// on the first failure. The frames themselves are validated against the OpenAPI schema from
// flint-backend's --dump by the calling test.
'use strict';
const { OpenAI } = require('openai');
const { ResponsesWS } = require('openai/resources/responses/ws');

const port = Number(process.argv[2]);
const client = new OpenAI({ apiKey: 'sk-interop-test', baseURL: `http://127.0.0.1:${port}/v1` });
const rws = new ResponsesWS(client);

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exit(1);
}
const timer = setTimeout(() => fail('no answer within 30 s'), 30000);

let total = 0;
let events = [];
let waiting = null;
// The client emits 'raw' only for a binary frame or one that is not JSON.
rws.on('raw', (data) => fail(`a frame the client could not parse: ${String(data).slice(0, 80)}`));
rws.on('event', (ev) => {
  total++;
  events.push(ev);
  if (['response.completed', 'response.failed', 'response.incomplete', 'error'].includes(ev.type)
      && waiting) {
    const w = waiting;
    waiting = null;
    w(events);
  }
});
rws.on('error', (err) => fail(`client error: ${err && err.message}`));

function ask(question, prev) {
  events = [];
  return new Promise((resolve) => {
    waiting = resolve;
    const create = {
      type: 'response.create',
      model: 'gpt-5.3-codex-spark',
      store: false,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] }],
    };
    if (prev) create.previous_response_id = prev;
    rws.send(create);
  });
}

function check(evs, want, prev, n) {
  const types = evs.map((e) => e.type);
  const last = evs[evs.length - 1];
  if (last.type !== 'response.completed')
    fail(`turn ${n} ended with ${last.type}: ${JSON.stringify(last).slice(0, 200)}`);
  const order = ['response.created', 'response.in_progress', 'response.output_item.added',
                 'response.content_part.added'];
  order.forEach((t, i) => { if (types[i] !== t) fail(`turn ${n}: event ${i} is ${types[i]}, not ${t}`); });
  const tail = ['response.output_text.done', 'response.content_part.done',
                'response.output_item.done', 'response.completed'];
  tail.forEach((t, i) => {
    const at = types.length - tail.length + i;
    if (types[at] !== t) fail(`turn ${n}: event ${at} is ${types[at]}, not ${t}`);
  });
  for (let i = 1; i < evs.length; i++)
    if (!(evs[i].sequence_number > evs[i - 1].sequence_number))
      fail(`turn ${n}: sequence_number does not rise at event ${i}`);
  const deltas = evs.filter((e) => e.type === 'response.output_text.delta');
  if (deltas.length < 2) fail(`turn ${n}: only ${deltas.length} deltas`);
  const text = deltas.map((e) => e.delta).join('');
  const done = evs.find((e) => e.type === 'response.output_text.done').text;
  const resp = last.response;
  const final = resp.output[0].content[0].text;
  if (text !== want) fail(`turn ${n}: deltas say ${JSON.stringify(text)}, want ${JSON.stringify(want)}`);
  if (done !== text) fail(`turn ${n}: output_text.done differs from the deltas`);
  if (final !== text) fail(`turn ${n}: response.completed's text differs from the deltas`);
  if (evs[0].response.id !== resp.id) fail(`turn ${n}: created and completed ids differ`);
  if ((resp.previous_response_id || null) !== (prev || null))
    fail(`turn ${n}: previous_response_id ${resp.previous_response_id}, want ${prev}`);
  if (!resp.usage || !(resp.usage.output_tokens > 0)) fail(`turn ${n}: no usage`);
  if (n > 1 && !(resp.usage.input_tokens_details.cached_tokens > 0))
    fail(`turn ${n}: a chained turn reports no cached tokens`);
  console.log(`ok turn ${n}: ${evs.length} events, ${deltas.length} deltas, id ${resp.id}` +
              (prev ? `, chained to ${prev}` : ''));
  return resp.id;
}

(async () => {
  const answers = ['the first answer', 'a second answer: 日本語 and 🚀', 'third and last'];
  let prev = null;
  for (let n = 1; n <= 3; n++) {
    const evs = await ask(`echo: ${answers[n - 1]}`, prev);
    prev = check(evs, answers[n - 1], prev, n);
  }
  console.log(`ok: three chained turns, ${total} events`);
  clearTimeout(timer);
  rws.close({ code: 1000, reason: 'done' });
  setTimeout(() => process.exit(0), 200).unref();
})().catch((e) => fail(e && e.stack ? e.stack : String(e)));
