// An independent Chat Completions SSE server written with Node's standard library only
// (node:http), for flint's Chat transport (PROTOCOL.md 4). Nothing here shares code with
// flint or flint-backend.
// usage: node sse_server.js LOGFILE   prints "listening PORT" on stdout, then serves until
// stdin closes. POST .../chat/completions with stream:true answers the last user message:
//   "echo: TEXT"  streams TEXT word by word (role chunk, content chunks, a finish chunk,
//                 a usage chunk with choices:[], then [DONE]), with ": keep-alive" comments;
//   "slow: TEXT"  the same but one word every 50 ms, 400 times over (cancel tests);
// GET .../models lists one model. Log lines (one per event, appended to LOGFILE):
//   "request N socket S messages M"   (S: a number per TCP connection, for keep-alive)
//   "done N chunks C"                 the answer was sent in full
//   "cancel N socket S after C chunks" the client closed the connection mid-answer
'use strict';
const http = require('node:http');
const fs = require('node:fs');

const logFile = process.argv[2];
const log = (line) => fs.appendFileSync(logFile, `${line}\n`);
let sockets = 0;
let requests = 0;

function sendChunk(res, obj) {
  res.write(`data: ${JSON.stringify(obj)}\n\n`);
}

const server = http.createServer((req, res) => {
  const sock = req.socket;
  if (sock.flintId === undefined) sock.flintId = ++sockets;
  if (req.method === 'GET' && req.url.endsWith('/models')) {
    const body = JSON.stringify({ object: 'list', data: [{ id: 'interop-model', object: 'model' }] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    const n = ++requests;
    let msg;
    try { msg = JSON.parse(body); } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'bad JSON', type: 'invalid_request_error' } }));
      return;
    }
    const messages = Array.isArray(msg.messages) ? msg.messages : [];
    log(`request ${n} socket ${sock.flintId} messages ${messages.length} stream ${msg.stream === true}`);
    const last = [...messages].reverse().find((m) => m.role === 'user');
    const question = last ? String(typeof last.content === 'string' ? last.content
      : (last.content || []).map((p) => p.text || '').join('')) : '';
    const q = question.split('\n\n---\n')[0];
    let words;
    let delay = 0;
    const e = q.indexOf('echo:');
    const s = q.indexOf('slow:');
    if (s >= 0) {
      const one = q.slice(s + 5).trim().split(/(?<= )/);
      words = [];
      for (let i = 0; i < 400; i++) words.push(...one, ' ');
      delay = 50;
    } else {
      words = (e >= 0 ? q.slice(e + 5).trim() : 'Hello from the Node SSE server.').split(/(?<= )/);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const id = `chatcmpl-interop-${n}`;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000),
                   model: msg.model || 'interop-model' };
    res.write(': keep-alive\n\n');
    sendChunk(res, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    let i = 0;
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished && !closed) {
        closed = true;
        log(`cancel ${n} socket ${sock.flintId} after ${i} chunks`);
      }
    });
    const finish = () => {
      sendChunk(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      sendChunk(res, { ...base, choices: [], usage: { prompt_tokens: 10 * messages.length,
                       completion_tokens: words.length, total_tokens: 10 * messages.length + words.length } });
      res.end('data: [DONE]\n\n');
      log(`done ${n} chunks ${i}`);
    };
    const step = () => {
      if (closed) return;
      if (i === words.length) return finish();
      sendChunk(res, { ...base, choices: [{ index: 0, delta: { content: words[i] }, finish_reason: null }] });
      i++;
      if (i % 5 === 0) res.write(': keep-alive\n\n');
      if (delay) setTimeout(step, delay); else setImmediate(step);
    };
    step();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
