// Moves a VM and a disk in and out of a XenAPI server with Xen Orchestra's own client, the
// npm package `xen-api`, calling getResource and putResource as @xen-orchestra/xapi does:
//   VM_export      GET  /export/?ref=&use_compression=false|zstd|true (task from task_create)
//   VM_import      PUT  /import/?sr_id= (a stream: of unknown length, so xen-api probes
//                  with an empty body and sends a Content-Length of 1 PiB; and of a known one)
//   VDI_exportContent GET /export_raw_vdi/?format=vhd&vdi=[&base=] (checkVdiExport)
//   VDI_importContent PUT /import_raw_vdi/?format=vhd&vdi= (a stream of known length, its
//                  task linked through the VDI's other_config, progress counted here)
// The files go to the spec's workdir; tests/api/test_xo_transfers.py checks their contents.
//
// usage: node transfers.mjs URL USER SPEC.json   (the password in XAPI_PASSWORD)
//   SPEC.json: {"vm": ref, "sr": ref, "vdi": ref, "base": ref, "workdir": dir}
//   (vdi is a disk of vm; base a VDI.snapshot of it taken before some of its blocks changed)
// Prints one line per checked step, then "RESULT {json}" and "PASS xen-api transfers";
// exits 1 with a message on failure.
import diagnosticsChannel from 'node:diagnostics_channel'
import fs from 'node:fs'
import path from 'node:path'
import { CancelToken } from 'promise-toolbox'
import { createClient } from 'xen-api'

const STEP_TIMEOUT_MS = 120e3
const REF_RE = /^OpaqueRef:[0-9a-f-]{36}$/
// xen-api's Content-Length for a stream of unknown length
const PIB = '1125899906842624'
// XO's watchUploadProgress: at least 1 % more, or 5 s, between two task.set_progress
const PROGRESS_MIN_DELTA = 0.01
const PROGRESS_MAX_INTERVAL_MS = 5e3

const [url, user = 'root', specFile] = process.argv.slice(2)
if (url === undefined || specFile === undefined || process.env.XAPI_PASSWORD === undefined) {
  console.error('usage: XAPI_PASSWORD=... node transfers.mjs URL USER SPEC.json')
  process.exit(2)
}
const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'))

class Failure extends Error {}
const fail = message => {
  throw new Failure(message)
}
const check = (cond, message) => cond || fail(message)
const ok = message => console.log('ok   ' + message)
// what xen-api lets pass (it ignores the error) but XAPI would not have failed
const notes = []
const note = message => {
  notes.push(message)
  console.log('note ' + message)
}
const brief = (value, max = 300) => {
  let s
  try {
    s = JSON.stringify(value)
  } catch {
    s = String(value)
  }
  return s === undefined ? 'undefined' : s.length > max ? s.slice(0, max) + '…' : s
}
const within = (promise, what, ms = STEP_TIMEOUT_MS) => {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Failure(`${what}: nothing after ${ms / 1e3} s`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

// ---- what went over the wire -------------------------------------------------------
// getResource uses undici, putResource node:http (http-request-plus): both are watched
const wire = [] // { method, path, length, status }
const hide = p => p.replace(/session_id=[^&]*/, 'session_id=<session>')
const byUndici = new WeakMap()
diagnosticsChannel.subscribe('undici:request:create', ({ request }) => {
  if (request.method === 'POST') return // the XenAPI calls
  const entry = { method: request.method, path: hide(request.path), length: undefined, status: undefined }
  byUndici.set(request, entry)
  wire.push(entry)
})
diagnosticsChannel.subscribe('undici:request:headers', ({ request, response }) => {
  const entry = byUndici.get(request)
  if (entry !== undefined) entry.status = response.statusCode
})
diagnosticsChannel.subscribe('undici:request:error', ({ request, error }) => {
  const entry = byUndici.get(request)
  if (entry !== undefined) entry.status = String(error)
})
diagnosticsChannel.subscribe('http.client.request.start', ({ request }) => {
  const entry = {
    method: request.method,
    path: hide(request.path),
    length: request.getHeader('content-length'),
    status: undefined,
  }
  wire.push(entry)
  // published once the body is sent: an upload's answer may have come already
  if (request.res) entry.status = request.res.statusCode
  else request.once('response', response => {
    entry.status = response.statusCode
  })
})
const describeWire = entries =>
  entries.map(e => `${e.method} ${e.path}${e.length !== undefined ? ` [length ${e.length}]` : ''} -> ${e.status}`)

// xen-api says what it does with streams of unknown length through console.warn
const warnings = []
console.warn = (...a) => warnings.push(a.map(x => (x instanceof Error ? x.message : brief(x, 200))).join(' '))

// ---- the client ------------------------------------------------------------------------
const xapi = createClient({
  url,
  auth: { user, password: process.env.XAPI_PASSWORD },
  allowUnauthorized: true,
  readOnly: false,
})
const failedCalls = []
{
  const inner = xapi._transport
  xapi._transport = async (method, params) => {
    try {
      return await inner(method, params)
    } catch (error) {
      failedCalls.push(`${method}: ${error?.code ?? error} ${brief(error?.params ?? '')}`)
      throw error
    }
  }
}

// @xen-orchestra/xapi's task_create
const taskCreate = (name, description) => xapi.createTask(`[XO] ${name}`, description)

// Writes a download to file as it comes, never pausing the stream: undici 6 (xen-api's)
// throws an uncatchable AssertionError when a body that ends with the connection is paused
// by backpressure as the server closes (nodejs/undici#5360), and XAPI's exports, as ours,
// end so.
function save(stream, file) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(file, 'w')
    const close = () => {
      try {
        fs.closeSync(fd)
      } catch {}
    }
    stream.on('data', chunk => {
      try {
        fs.writeSync(fd, chunk)
      } catch (error) {
        stream.destroy(error)
      }
    })
    stream.once('end', () => {
      close()
      resolve()
    })
    stream.once('error', error => {
      close()
      reject(error)
    })
  })
}

// @xen-orchestra/xapi's VM_export without the snapshot (the VM is halted): the stream is
// returned once its first block has come
async function vmExport(vmRef, compress, file) {
  const vm = await xapi.getRecord('VM', vmRef)
  const taskRef = await taskCreate('VM export', vm.name_label)
  const response = await within(
    xapi.getResource(CancelToken.none, '/export/', {
      query: {
        ref: vmRef,
        use_compression: compress === 'zstd' ? 'zstd' : compress === true || compress === 'gzip' ? 'true' : 'false',
      },
      task: taskRef,
    }),
    `GET /export/ (use_compression ${compress})`
  )
  check(response.statusCode === 200, `GET /export/ answered ${response.statusCode}`)
  await within(
    new Promise((resolve, reject) => {
      response.body.once('readable', resolve)
      response.body.once('error', reject)
    }),
    'the export\'s first block'
  )
  await within(save(response.body, file), 'the export\'s body')
  await within(response.task, 'the export task\'s end')
  const headers = response.headers
  if (headers['task-id'] !== taskRef) {
    note(`GET /export/: header task-id ${brief(headers['task-id'])}, XAPI sends the task (${taskRef})`)
  }
  return { size: fs.statSync(file).size, contentType: headers['content-type'], task: taskRef }
}

// @xen-orchestra/xapi's VM_import: putResource without a cancel token; the task's result
// is the list of the VMs made, XO takes the first
async function vmImport(file, knownLength, srRef) {
  const stream = fs.createReadStream(file)
  if (knownLength) stream.length = fs.statSync(file).size
  const taskRef = await taskCreate('VM import')
  const result = await within(
    xapi.putResource(stream, '/import/', { query: { sr_id: srRef }, task: taskRef }),
    `PUT /import/ of ${path.basename(file)} (${knownLength ? 'known' : 'unknown'} length)`
  )
  check(
    Array.isArray(result) && result.length === 1 && REF_RE.test(result[0]),
    `the import task's result is ${brief(result)}, want [a VM ref]` +
      (result === undefined ? ' (xen-api ignores a VDI_IO_ERROR of a stream of unknown length: the task failed so)' : '')
  )
  return result[0]
}

// @xen-orchestra/xapi's checkVdiExport: an HTTP header in the body is a known XAPI bug
async function checkVdiExport(stream) {
  const chunk = await within(readChunk(stream, 5), 'the VHD export\'s first bytes')
  stream.unshift(chunk)
  check(String(chunk) !== 'HTTP/', 'an HTTP header in the VHD export\'s body')
}
function readChunk(stream, n) {
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = stream.read(n) ?? (stream.readableEnded ? stream.read() : null)
      if (chunk !== null) {
        clean()
        resolve(chunk)
      }
    }
    const onEnd = () => {
      clean()
      reject(new Failure(`the stream ended before ${n} bytes`))
    }
    const onError = error => {
      clean()
      reject(error)
    }
    const clean = () => {
      stream.off('readable', onReadable).off('end', onEnd).off('error', onError)
    }
    stream.on('readable', onReadable).on('end', onEnd).on('error', onError)
    onReadable()
  })
}

// @xen-orchestra/xapi's VDI_exportContent for format vhd (with baseRef: a delta)
async function vdiExportContent(vdiRef, baseRef, file) {
  const query = { format: 'vhd', vdi: vdiRef }
  const label = await xapi.getField('VDI', vdiRef, 'name_label')
  if (baseRef !== undefined) query.base = baseRef
  const response = await within(
    xapi.getResource(CancelToken.none, '/export_raw_vdi/', {
      query,
      task: await taskCreate(`Exporting content of VDI  ${label} as vhd stream`),
    }),
    `GET /export_raw_vdi/ (format vhd${baseRef ? ', base' : ''})`
  )
  check(response.statusCode === 200, `GET /export_raw_vdi/ answered ${response.statusCode}`)
  const stream = response.body
  await checkVdiExport(stream)
  await within(save(stream, file), 'the VHD export\'s body')
  await within(response.task, 'the VHD export task\'s end')
  return fs.statSync(file).size
}

// @xen-orchestra/xapi's VDI_importContent for format vhd: a stream with its length
async function vdiImportContent(vdiRef, file) {
  const content = fs.createReadStream(file)
  content.length = fs.statSync(file).size
  const vdi = await xapi.getRecord('VDI', vdiRef)
  const sr = await xapi.getRecord('SR', vdi.SR)
  const taskRef = await taskCreate(`Importing content into VDI ${vdi.name_label} on SR ${sr.name_label}`)
  const uuid = await xapi.getField('task', taskRef, 'uuid')
  await vdi.update_other_config({ 'xo:import:task': uuid, 'xo:import:length': content.length.toString() })
  watchUploadProgress(content, content.length, progress => {
    xapi.call('task.set_progress', taskRef, progress).catch(error => {
      if (!notes.some(n => n.startsWith('task.set_progress'))) {
        note(`task.set_progress (XO sets an upload's progress itself, ignoring errors): ${error?.code ?? error}`)
      }
    })
  })
  try {
    await within(
      xapi.putResource(CancelToken.none, content, '/import_raw_vdi/', {
        query: { format: 'vhd', vdi: vdiRef },
        task: taskRef,
      }),
      `PUT /import_raw_vdi/ of ${path.basename(file)}`
    )
  } finally {
    await vdi.update_other_config({ 'xo:import:task': null, 'xo:import:length': null })
  }
}

// @xen-orchestra/xapi's watchUploadProgress
function watchUploadProgress(stream, length, onProgress) {
  let sent = 0
  let lastDate = 0
  let lastValue = -1
  const emit = (progress, force) => {
    const now = Date.now()
    if (!force && now - lastDate < PROGRESS_MAX_INTERVAL_MS && progress - lastValue < PROGRESS_MIN_DELTA) return
    lastDate = now
    lastValue = progress
    onProgress(progress)
  }
  stream.on('data', chunk => {
    sent += chunk.length
    emit(length > 0 ? Math.min(sent / length, 1) : 1, false)
  })
  stream.on('end', () => emit(1, true))
  stream.pause()
}

async function main() {
  await within(xapi.connect(), 'connect')
  await within(xapi.objectsFetched, 'the first fetch of every object')
  ok(`connected to ${url}`)
  const file = name => path.join(spec.workdir, name)
  const result = { exports: {}, imports: {}, vhd: {} }

  // --- VM_export: uncompressed, zstd, gzip
  for (const [compress, name] of [[false, 'vm.xva'], ['zstd', 'vm.xva.zst'], ['gzip', 'vm.xva.gz']]) {
    const before = wire.length
    const got = await vmExport(spec.vm, compress, file(name))
    const sent = wire.slice(before)
    check(
      sent.length === 1 && sent[0].method === 'GET' && sent[0].path.startsWith('/export/?') && sent[0].status === 200,
      `VM_export sent: ${describeWire(sent).join('; ')}`
    )
    result.exports[name] = got
    ok(`VM_export (use_compression ${compress}): ${describeWire(sent)[0]}: ${got.size} bytes (${got.contentType})`)
  }

  // --- VM_import: of unknown length (the probe, then 1 PiB), then of a known length
  for (const [name, knownLength] of [['vm.xva', false], ['vm.xva.zst', true], ['vm.xva.gz', false]]) {
    const before = wire.length
    const vmRef = await vmImport(file(name), knownLength, spec.sr)
    const sent = wire.slice(before)
    const shown = describeWire(sent).join('; ')
    // the probe: the same query without task_id, an empty body of the same announced length
    check(sent.length === 2, `VM_import sent ${sent.length} request(s), want the probe and the upload: ${shown}`)
    const [probe, upload] = sent
    check(probe.method === 'PUT' && probe.path.startsWith('/import/?') && !/task_id=/.test(probe.path),
      `the probe: ${shown}`)
    check(upload.method === 'PUT' && /task_id=/.test(upload.path) && upload.status === 200,
      `the upload (answered 200 before its body is read, as XAPI): ${shown}`)
    check(String(probe.length) === (knownLength ? '0' : PIB) && String(upload.length) === String(knownLength ? fs.statSync(file(name)).size : PIB),
      `the lengths sent: ${shown}`)
    check(probe.status === 200, `the probe was answered ${probe.status}: xen-api gives up on any answer but 2xx or 302 (${shown})`)
    result.imports[name] = vmRef
    ok(`VM_import of ${name} (${knownLength ? 'known' : 'unknown'} length): ${shown} -> [${vmRef}]`)
  }
  if (!warnings.some(w => /putResource.*missing length/.test(w))) {
    fail(`xen-api did not take the unknown-length path (no "missing length" warning): ${warnings.join('; ')}`)
  }

  // --- VDI_exportContent as VHD: the whole disk, then the delta from its snapshot
  result.vhd.full = await vdiExportContent(spec.vdi, undefined, file('disk.vhd'))
  ok(`VDI_exportContent (vhd): ${result.vhd.full} bytes`)
  result.vhd.delta = await vdiExportContent(spec.vdi, spec.base, file('delta.vhd'))
  ok(`VDI_exportContent (vhd, base = the snapshot): ${result.vhd.delta} bytes`)
  const baseFull = await vdiExportContent(spec.base, undefined, file('base.vhd'))
  ok(`VDI_exportContent (vhd) of the snapshot: ${baseFull} bytes`)

  // --- VDI_importContent: into new VDIs, as XO restores a disk: the whole VHD; and the
  //     snapshot's whole VHD then the delta onto it
  const size = await xapi.getField('VDI', spec.vdi, 'virtual_size')
  const newVdi = name =>
    xapi.call('VDI.create', {
      name_label: name, SR: spec.sr, virtual_size: String(size), type: 'user',
      sharable: false, read_only: false, other_config: {},
    })
  const full = await newVdi('xo vhd restore')
  let before = wire.length
  await vdiImportContent(full, file('disk.vhd'))
  let sent = wire.slice(before)
  check(sent.length === 2 && sent[0].method === 'PUT' && String(sent[0].length) === '0' && sent[0].status === 200 &&
    !/task_id=/.test(sent[0].path) && /task_id=/.test(sent[1].path) &&
    String(sent[1].length) === String(result.vhd.full) && sent[1].status === 200,
    `VDI_importContent sent: ${describeWire(sent).join('; ')} (want the probe with an empty body, answered 200, then the VHD)`)
  ok(`VDI_importContent (vhd) into a new VDI: ${describeWire(sent).join('; ')}`)
  const chained = await newVdi('xo vhd restore of a delta')
  await vdiImportContent(chained, file('base.vhd'))
  before = wire.length
  await vdiImportContent(chained, file('delta.vhd'))
  sent = wire.slice(before)
  ok(`VDI_importContent (vhd) of the delta onto the snapshot's content: ${describeWire(sent).join('; ')}`)
  for (const vdi of [full, chained]) {
    const left = Object.keys(await xapi.getField('VDI', vdi, 'other_config')).filter(k => k.startsWith('xo:import:'))
    check(left.length === 0, `other_config keys left on ${vdi}: ${left}`)
  }
  result.vhd.imported = full
  result.vhd.chained = chained

  const failed = failedCalls.filter(c => !c.startsWith('task.set_progress'))
  check(failed.length === 0, `failed XenAPI calls:\n  ${failed.join('\n  ')}`)
  await xapi.disconnect()
  console.log('RESULT ' + JSON.stringify({ ...result, notes, warnings, wire: describeWire(wire) }))
}

main().then(
  () => {
    console.log('PASS xen-api transfers')
    process.exit(0)
  },
  error => {
    console.error(`FAIL ${error instanceof Failure ? error.message : error?.stack ?? error}`)
    if (error?.call) console.error(`  in call ${brief(error.call, 400)}`)
    console.error('HTTP transfers:\n  ' + describeWire(wire).join('\n  '))
    if (warnings.length) console.error('xen-api warnings:\n  ' + warnings.join('\n  '))
    if (failedCalls.length) console.error('failed XenAPI calls:\n  ' + failedCalls.join('\n  '))
    process.exit(1)
  }
)
