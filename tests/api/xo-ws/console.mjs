// Opens a console's WebSocket as xo-server's proxy-console does (the `ws` package,
// subprotocol "binary", the session in a cookie), then: waits for the simulated console's
// prompt, types a line in a binary frame and waits for its answer, pings and waits for
// the pong, and closes with 1000, waiting for the server's close.
// Usage: node console.mjs ws://HOST:PORT/console?uuid=... SESSION
import WebSocket from 'ws'

const [url, session] = process.argv.slice(2)
const STEP_MS = 20000
let seen = ''

function fail(why) {
  console.log(`FAIL ${why}; seen ${JSON.stringify(seen.slice(-400))}`)
  process.exit(1)
}

const socket = new WebSocket(url, ['binary'], { headers: { cookie: `session_id=${session}` } })
let waiting = null
function step(what, test) {
  return new Promise(resolve => {
    const timer = setTimeout(() => fail(`no ${what} within ${STEP_MS} ms`), STEP_MS)
    waiting = () => {
      if (test()) {
        clearTimeout(timer)
        waiting = null
        resolve()
      }
    }
    waiting()
  })
}

let pong = null
let closed = null
socket.on('message', (data, isBinary) => {
  if (!isBinary) fail('a text frame from the server')
  seen += data.toString('latin1')
  if (waiting) waiting()
})
socket.on('pong', data => {
  pong = data.toString()
  if (waiting) waiting()
})
socket.on('close', code => {
  closed = code
  if (waiting) waiting()
})
socket.on('error', error => fail(`error ${error.message}`))

await step('open', () => socket.readyState === WebSocket.OPEN)
if (socket.protocol !== 'binary') fail(`subprotocol ${JSON.stringify(socket.protocol)}`)
await step('prompt', () => seen.includes('sim# '))
socket.send(Buffer.from('typed by ws\r'), { binary: true })
await step('answer', () => seen.includes('sim: typed by ws\r\n'))
socket.ping('are you there')
await step('pong', () => pong === 'are you there')
socket.close(1000)
await step('close', () => closed !== null)
if (closed !== 1000) fail(`close code ${closed}`)
console.log('PASS ws console')
