// Drives a XenAPI server with Xen Orchestra's own client, the npm package `xen-api`, the
// way xo-server does: connect, load every object through get_all_records, follow the
// event.from stream, and check that the client's object cache follows a VM's lifecycle.
//
// usage: node watch.mjs [--transport=auto|json-rpc|xml-rpc] URL [USER [PASSWORD]]
//        (or XAPI_URL, XAPI_USER, XAPI_PASSWORD in the environment)
// Prints one line per checked step; exits 0 on success, 1 with a message on failure.
import diagnosticsChannel from 'node:diagnostics_channel'
import { createClient } from 'xen-api'

const STEP_TIMEOUT_MS = 20e3
const REF_RE = /^OpaqueRef:[0-9a-f-]{36}$/

const args = process.argv.slice(2)
let transport = 'auto' // what xo-server uses: JSON-RPC first, XML-RPC if the host lacks it
const positional = []
for (const arg of args) {
  if (arg.startsWith('--transport=')) transport = arg.slice('--transport='.length)
  else positional.push(arg)
}
const url = positional[0] ?? process.env.XAPI_URL
const user = positional[1] ?? process.env.XAPI_USER ?? 'root'
const password = positional[2] ?? process.env.XAPI_PASSWORD
if (url === undefined || password === undefined) {
  console.error('usage: node watch.mjs [--transport=auto|json-rpc|xml-rpc] URL [USER [PASSWORD]]')
  process.exit(2)
}

class Failure extends Error {}
const fail = message => {
  throw new Failure(message)
}
const check = (cond, message) => cond || fail(message)
const ok = message => console.log('ok   ' + message)
// a difference from XAPI that does not stop the remaining steps; reported again at the end
const deviations = []
const deviation = message => {
  deviations.push(message)
  console.log('FAIL ' + message)
}

// ---- what went over the wire -------------------------------------------------------
// HTTP requests, seen through undici's diagnostics channels (xen-api's transports use undici)
const http = [] // "POST /jsonrpc -> 200 application/json"
const pending = new WeakMap()
diagnosticsChannel.subscribe('undici:request:create', ({ request }) => {
  pending.set(request, `${request.method} ${request.path}`)
})
diagnosticsChannel.subscribe('undici:request:headers', ({ request, response }) => {
  let type = ''
  const h = response.headers
  for (let i = 0; i + 1 < h.length; i += 2) {
    if (String(h[i]).toLowerCase() === 'content-type') type = String(h[i + 1])
  }
  http.push(`${pending.get(request)} -> ${response.statusCode} ${type}`)
})
diagnosticsChannel.subscribe('undici:request:error', ({ request, error }) => {
  http.push(`${pending.get(request)} -> ${error}`)
})

// XenAPI calls, recorded by wrapping the client's transport function
const calls = [] // { method, params, result | error, ms }
let sessionId
const brief = (value, max = 160) => {
  let s
  try {
    s = JSON.stringify(value, (k, v) => (v === sessionId && sessionId !== undefined ? '<session>' : v))
  } catch {
    s = String(value)
  }
  return s === undefined ? 'undefined' : s.length > max ? s.slice(0, max) + '…' : s
}
const describeCall = c =>
  `${c.method}(${brief(c.params, 120)}) ${'error' in c ? 'FAILED ' + brief(c.error, 300) : '= ' + brief(c.result)}` +
  ` [${c.ms} ms]`

function traceTransport(xapi) {
  const inner = xapi._transport
  xapi._transport = async (method, params) => {
    const shown = method === 'session.login_with_password' ? [params[0], '<password>', ...params.slice(2)] : params
    const entry = { method, params: shown, t0: Date.now() }
    calls.push(entry)
    try {
      const result = await inner(method, params)
      entry.result = result
      if (method === 'session.login_with_password') sessionId = result
      return result
    } catch (error) {
      entry.error = error?.code !== undefined ? { code: error.code, params: error.params } : String(error)
      throw error
    } finally {
      entry.ms = Date.now() - entry.t0
    }
  }
}

// ---- the client ------------------------------------------------------------------------
const xapi = createClient({
  url,
  auth: { user, password },
  allowUnauthorized: true,
  readOnly: false,
  transport,
  // default watchEvents: every class listed by system.listMethods, as xo-server does
})
traceTransport(xapi)

const eventErrors = []
xapi.on('eventFetchingError', error => eventErrors.push(error))
// console.warn is how xen-api reports failures inside its event loop; keep them for the report
// (except the one about session.get_all_records, which xen-api refuses to call on any XAPI)
const warnings = []
console.warn = (...a) => {
  if (a[0] === '_refreshCachedRecords' && a[1] === 'session' && /session\.\*\(\) methods are disabled/.test(a[2]?.message)) {
    return
  }
  warnings.push(a.map(x => (x instanceof Error ? `${x.message} ${brief(x.call ?? '')}` : brief(x, 400))).join(' '))
}

// collection events, per object id, so a timeout can say what the cache saw
const seen = new Map() // $id -> ["add Halted", "update Running", "remove"]
const note = (kind, items) => {
  for (const [id, obj] of Object.entries(items)) {
    if (!seen.has(id)) seen.set(id, [])
    const what = obj?.$type === 'VM' ? ` ${obj.power_state} "${obj.name_label}"` : obj?.$type ? ` ${obj.$type}` : ''
    seen.get(id).push(kind + what)
  }
}
xapi.objects.on('add', items => note('add', items))
xapi.objects.on('update', items => note('update', items))
xapi.objects.on('remove', items => note('remove', items))

const all = type => Object.values(xapi.objects.all).filter(o => o.$type === type)
const byRef = ref => xapi.getObjectByRef(ref, undefined)

// Waits until pred() holds in the object cache (i.e. the event stream delivered the change).
async function waitCache(what, pred, explain) {
  const t0 = Date.now()
  for (;;) {
    const v = pred()
    if (v) return v
    if (Date.now() - t0 > STEP_TIMEOUT_MS) {
      fail(
        `timed out after ${STEP_TIMEOUT_MS / 1e3} s waiting for the object cache to show: ${what}\n` +
          `  cache saw: ${explain()}\n` +
          `  event.from calls since the wait began:\n    ` +
          (calls
            .filter(c => c.method === 'event.from' && c.t0 >= t0 - 1000)
            .map(describeCall)
            .join('\n    ') || '(none)')
      )
    }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}
const history = ref => {
  const o = byRef(ref)
  const id = o?.$id ?? [...seen.keys()].find(k => k === ref)
  return `object ${o ? `present: power_state=${o.power_state} is_a_template=${o.is_a_template}` : 'absent'}; ` +
    `collection events: ${brief(id ? seen.get(id) : [...seen.entries()].slice(-5), 600)}`
}

async function main() {
  // --- connect: session.login_with_password, pool.get_all_records, system.listMethods
  await xapi.connect()
  check(xapi.status === 'connected', `status ${xapi.status} after connect()`)
  check(REF_RE.test(xapi.sessionId), `session id ${brief(xapi.sessionId)} is not an OpaqueRef`)
  ok(`connected as ${user} to ${url} (session ${xapi.sessionId.slice(0, 20)}…, pool ${xapi.pool.$ref})`)

  // --- event.inject + <class>.get_all_records for every class, then the event.from loop
  await Promise.race([
    xapi.objectsFetched,
    new Promise((resolve, reject) =>
      setTimeout(() => reject(new Failure('objects were not fetched within 20 s')), STEP_TIMEOUT_MS)
    ),
  ])
  const types = xapi._types
  check(Array.isArray(types) && types.length > 0, 'system.listMethods gave no <class>.get_all_records')
  const getAll = new Set(calls.filter(c => c.method.endsWith('.get_all_records')).map(c => c.method.split('.')[0]))
  const failedGetAll = calls.filter(c => c.method.endsWith('.get_all_records') && 'error' in c)
  check(failedGetAll.length === 0, `get_all_records failed:\n  ${failedGetAll.map(describeCall).join('\n  ')}`)
  // xen-api refuses to send session.* through its session calls, so session.get_all_records
  // (which XAPI lists too) is never sent: the client only logs a warning for it
  const missing = types.filter(t => t !== 'session' && !getAll.has(t))
  check(missing.length === 0, `no get_all_records call for ${missing}`)
  ok(`loaded ${xapi.objects.size} objects: get_all_records of the ${getAll.size} classes from system.listMethods`)

  const seq = calls.map(c => c.method)
  const idx = m => seq.indexOf(m)
  check(idx('session.login_with_password') === 0, `first call is ${seq[0]}, not session.login_with_password`)
  check(
    idx('pool.get_all_records') > 0 && idx('system.listMethods') > idx('pool.get_all_records') &&
      idx('event.inject') > idx('system.listMethods'),
    `unexpected connect sequence: ${seq.slice(0, 6).join(', ')}`
  )
  const listMethods = calls.find(c => c.method === 'system.listMethods')
  check(Array.isArray(listMethods.result), `system.listMethods returned ${brief(listMethods.result)}, not an array`)
  const inject = calls.find(c => c.method === 'event.inject')
  check(!('error' in inject), `event.inject failed: ${describeCall(inject)}`)
  ok(`connect sequence: login_with_password, pool.get_all_records, system.listMethods, event.inject -> ${brief(inject.result)}`)

  // the first event.from (token from event.inject, 60.1 s timeout) comes 200 ms after the fetch
  const firstFrom = await waitCache(
    'an answered event.from',
    () => calls.find(c => c.method === 'event.from' && 'ms' in c && c.params[2] === inject.result) ??
      (eventErrors.length ? fail(`event.from failed: ${calls.filter(c => c.method === 'event.from').map(describeCall).join('; ')}`) : undefined),
    () => calls.filter(c => c.method === 'event.from').map(describeCall).join('; ') || 'no event.from call yet'
  )
  check(!('error' in firstFrom), `event.from failed: ${describeCall(firstFrom)}`)
  const batch = firstFrom.result
  check(
    batch && Array.isArray(batch.events) && typeof batch.token === 'string' && typeof batch.valid_ref_counts === 'object',
    `event.from returned ${brief(batch, 400)}: want {events: [...], valid_ref_counts: {...}, token: "..."}`
  )
  check(/^\d{20},\d{20}$/.test(batch.token), `event.from token ${brief(batch.token)} is not "%020d,%020d"`)
  check(Number.isInteger(batch.valid_ref_counts.task),
    `event.from valid_ref_counts.task is ${brief(batch.valid_ref_counts.task)}: XAPI gives a count for every table ` +
    '(xen-api compares it with its task count and refetches all tasks when it differs)')
  check(batch.events.every(e => e.class === e.class.toLowerCase()),
    `event classes are not lower case: ${brief(batch.events.map(e => e.class))}`)
  ok(`event.from(${firstFrom.params[1].length} classes, injected token, ${firstFrom.params[3]}) -> ` +
    `${batch.events.length} event(s) [${batch.events.map(e => `${e.class} ${e.operation}`).join(', ')}], token ${batch.token}`)

  // XAPI counts the rows of every DB table in valid_ref_counts whatever the subscription
  // (xapi_event.ml folds over the whole TableSet; messages are not DB rows). A client that
  // watches a subset (createClient({ watchEvents: [...] })) still reads valid_ref_counts.task.
  // Not fatal: the lifecycle checks below still run, the script fails at the end.
  const narrow = await xapi.call('event.from', ['VM'], batch.token, 0.1)
  const tables = types.map(t => t.toLowerCase()).filter(t => t !== 'message')
  const uncounted = tables.filter(t => !Number.isInteger(narrow?.valid_ref_counts?.[t]))
  if (uncounted.length !== 0) {
    deviation(`event.from(["VM"], token, 0.1) returned valid_ref_counts ${brief(narrow?.valid_ref_counts, 300)}: ` +
      `no count for ${uncounted.join(', ')}; XAPI gives the row count of every table whatever the subscription`)
  } else {
    ok(`event.from(["VM"]): valid_ref_counts counts every table (${tables.length}), not only the subscribed one`)
  }
  check(narrow.valid_ref_counts.vm === all('VM').length,
    `valid_ref_counts.vm ${narrow.valid_ref_counts.vm} but ${all('VM').length} VMs in the cache`)

  // --- what the client loaded
  const pools = all('pool')
  check(pools.length === 1, `${pools.length} pool objects in the cache (want 1)`)
  const pool = pools[0]
  const host = byRef(pool.master) ?? fail(`pool.master ${pool.master} is not a cached host`)
  check(host.$type === 'host', `pool.master is a ${host.$type}`)
  ok(`pool "${pool.name_label}" with master host "${host.name_label}" (${all('host').length} host(s))`)
  const metrics = host.$metrics ?? fail(`host.metrics ${host.metrics} is not a cached host_metrics`)
  check(metrics.live === true, `host_metrics.live is ${brief(metrics.live)}, want true (XO shows the host as halted otherwise)`)
  ok('host_metrics.live = true')
  const dom0 = byRef(host.control_domain) ?? fail(`host.control_domain ${host.control_domain} is not a cached VM`)
  check(dom0.$type === 'VM' && dom0.is_control_domain === true && dom0.power_state === 'Running',
    `control domain: ${brief({ type: dom0.$type, is_control_domain: dom0.is_control_domain, power_state: dom0.power_state })}`)
  ok(`control domain VM "${dom0.name_label}" is Running`)
  const template = name => {
    const found = all('VM').filter(vm => vm.is_a_template && vm.name_label === name)
    check(found.length === 1, `${found.length} templates named "${name}" in the cache`)
    return found[0]
  }
  const demo = template('Atoll demo guest')
  template('Other install media')
  ok('templates "Atoll demo guest" and "Other install media"')
  for (const type of ['SR', 'network', 'PIF']) check(all(type).length > 0, `no ${type} in the cache`)
  const pif = all('PIF').find(p => p.host === host.$ref) ?? fail('no PIF on the master host')
  check(pif.$network?.$type === 'network', `PIF.network ${pif.network} is not a cached network`)
  ok(`${all('SR').length} SR(s), ${all('network').length} network(s), ${all('PIF').length} PIF(s)`)

  // --- a VM's lifecycle, each step seen through the event stream
  const name = `xo-watch-${process.pid}`
  const vmRef = await xapi.call('VM.clone', demo.$ref, name)
  check(REF_RE.test(vmRef), `VM.clone returned ${brief(vmRef)}`)
  let vm = await waitCache(`new VM ${vmRef} "${name}"`, () => byRef(vmRef), () => history(vmRef))
  check(vm.name_label === name && vm.$type === 'VM', `cached clone: ${brief({ name: vm.name_label, type: vm.$type })}`)
  ok(`VM.clone -> ${vmRef}: added to the cache (uuid ${vm.uuid})`)

  await xapi.call('VM.set_is_a_template', vmRef, false)
  // On real Xen the demo guest powers itself off at once unless asked to stay up.
  await xapi.call('VM.set_PV_args', vmRef, 'console=hvc0 quiet atoll.stay')
  vm = await waitCache('is_a_template = false', () => byRef(vmRef)?.is_a_template === false && byRef(vmRef), () => history(vmRef))
  check(vm.power_state === 'Halted', `new VM power_state ${vm.power_state}`)
  ok('VM.set_is_a_template false: cache updated, VM Halted')

  // what xo-server does for settings: record helpers and a barrier on the pool
  await vm.set_name_description('made by xen-api')
  await vm.update_other_config('xo-watch', 'yes')
  vm = await xapi.barrier(vmRef)
  check(vm.name_description === 'made by xen-api' && vm.other_config['xo-watch'] === 'yes',
    `after barrier(): name_description ${brief(vm.name_description)}, other_config ${brief(vm.other_config)}`)
  check(!Object.keys(xapi.pool.other_config).some(k => k.startsWith('xo:barrier:')) ||
    (await waitCache('barrier key removed', () => !Object.keys(xapi.pool.other_config).some(k => k.startsWith('xo:barrier:')),
      () => brief(xapi.pool.other_config))), 'barrier key left in pool.other_config')
  ok('set_name_description + update_other_config (remove_from/add_to) seen after barrier()')

  await xapi.call('VM.start', vmRef, false, false)
  vm = await waitCache('power_state Running', () => byRef(vmRef)?.power_state === 'Running' && byRef(vmRef), () => history(vmRef))
  check(vm.resident_on === host.$ref, `running VM resident_on ${vm.resident_on}, want ${host.$ref}`)
  ok('VM.start(false, false): cache shows Running on the host')

  await xapi.call('VM.clean_shutdown', vmRef)
  vm = await waitCache('power_state Halted', () => byRef(vmRef)?.power_state === 'Halted' && byRef(vmRef), () => history(vmRef))
  ok('VM.clean_shutdown: cache shows Halted')

  // --- snapshot and revert as xo-server does them: Async.VM.snapshot, the snapshot made a
  //     non-template (XAPI makes snapshots templates), then Async.VM.revert
  const snapName = `xo-watch-snap-${process.pid}`
  const snapRef = await xapi.callAsync('VM.snapshot', vmRef, snapName)
  check(REF_RE.test(snapRef), `callAsync('VM.snapshot') resolved to ${brief(snapRef)}, want a VM ref`)
  await xapi.call('VM.set_is_a_template', snapRef, false)
  const snap = await waitCache(`snapshot ${snapRef}, not a template`,
    () => byRef(snapRef)?.is_a_template === false && byRef(snapRef), () => history(snapRef))
  check(snap.is_a_snapshot === true && snap.snapshot_of === vmRef && snap.name_label === snapName,
    `snapshot record: ${brief({ is_a_snapshot: snap.is_a_snapshot, snapshot_of: snap.snapshot_of, name: snap.name_label })}`)
  vm = await waitCache('VM.snapshots lists the snapshot, VM.parent is it',
    () => byRef(vmRef)?.snapshots?.includes(snapRef) && byRef(vmRef)?.parent === snapRef && byRef(vmRef),
    () => history(vmRef))
  ok(`callAsync VM.snapshot -> ${snapRef}; set_is_a_template false; VM.snapshots and parent follow`)

  await vm.set_name_description('changed after the snapshot')
  await xapi.callAsync('VM.revert', snapRef)
  vm = await waitCache('VM reverted to the snapshot',
    () => byRef(vmRef)?.name_description === 'made by xen-api' && byRef(vmRef)?.power_state === 'Halted' && byRef(vmRef),
    () => history(vmRef))
  check(vm.name_label === name && vm.parent === snapRef, `reverted VM: ${brief({ name: vm.name_label, parent: vm.parent })}`)
  ok('callAsync VM.revert: the VM has the snapshot\'s settings back, Halted')

  await xapi.call('VM.destroy', snapRef)
  await waitCache('snapshot removed', () => byRef(snapRef) === undefined, () => history(snapRef))
  ok('snapshot destroyed: removed from the cache')

  const vmId = vm.$id
  await xapi.call('VM.destroy', vmRef)
  await waitCache('VM removed', () => byRef(vmRef) === undefined && !xapi.objects.has(vmId), () => history(vmRef))
  check((seen.get(vmId) ?? []).at(-1) === 'remove', `collection events for the VM: ${brief(seen.get(vmId))}`)
  ok('VM.destroy: removed from the cache (collection "remove" event)')

  // --- callAsync: Async.VM.clone, result read from the task record delivered by events
  const asyncName = `xo-watch-async-${process.pid}`
  const before = new Set(Object.keys(xapi.objects.all).filter(id => xapi.objects.all[id].$type === 'task'))
  const asyncRef = await xapi.callAsync('VM.clone', demo.$ref, asyncName)
  check(REF_RE.test(asyncRef), `callAsync('VM.clone') resolved to ${brief(asyncRef)}, want a VM ref`)
  const taskCall = calls.find(c => c.method === 'Async.VM.clone')
  check(REF_RE.test(taskCall.result), `Async.VM.clone returned ${brief(taskCall.result)}, want a task ref`)
  const asyncVm = await waitCache(`VM ${asyncRef}`, () => byRef(asyncRef), () => history(asyncRef))
  check(asyncVm.name_label === asyncName, `Async clone is named ${brief(asyncVm.name_label)}`)
  ok(`callAsync VM.clone: task ${taskCall.result} -> result ${asyncRef}`)
  await waitCache('task destroyed by callAsync',
    () => calls.some(c => c.method === 'task.destroy' && 'result' in c) && byRef(taskCall.result) === undefined,
    () => `${calls.filter(c => c.method === 'task.destroy').map(describeCall).join('; ') || 'no task.destroy yet'}; ` +
      `task ${byRef(taskCall.result) ? 'still cached: ' + brief({ ...byRef(taskCall.result) }, 400) : 'not cached'}`)
  ok('task.destroy after the result: task removed from the cache')

  // a failing async call rejects with the task's error_info
  let error
  try {
    await xapi.callAsync('VM.start', demo.$ref, false, false)
  } catch (e) {
    error = e
  }
  check(error?.code === 'VM_IS_TEMPLATE' && error.params?.[0] === demo.$ref,
    `callAsync VM.start of a template: ${error ? `${error.code} ${brief(error.params)} ${error.message}` : 'succeeded'}, want VM_IS_TEMPLATE(${demo.$ref})`)
  ok(`callAsync VM.start of a template rejects with ${error.code}(${error.params[0]})`)

  await xapi.call('VM.destroy', asyncRef)
  await waitCache('async clone removed', () => byRef(asyncRef) === undefined, () => history(asyncRef))
  const leftTasks = all('task').filter(t => !before.has(t.$id))
  check(leftTasks.length === 0, `tasks left in the cache: ${brief(leftTasks.map(t => ({ ...t })), 600)}`)
  ok('Async clone destroyed; no task left behind')

  // --- the event loop is healthy: no errors, no warnings, one transport
  check(eventErrors.length === 0, `event loop errors: ${eventErrors.map(e => e.message).join('; ')}`)
  check(warnings.length === 0, `xen-api warnings: ${warnings.join('\n  ')}`)
  const failed = calls.filter(c => 'error' in c && !(c.method === 'Async.VM.start'))
  // expected failures: none besides the template start (which fails inside its task)
  check(failed.length === 0, `failed calls:\n  ${failed.map(describeCall).join('\n  ')}`)
  const paths = [...new Set(http.map(h => h.split(' -> ')[0]))]
  const want = transport === 'xml-rpc' ? 'POST /xmlrpc' : 'POST /jsonrpc'
  check(paths.length === 1 && paths[0] === want,
    `HTTP requests went to ${brief(paths)}; with transport ${transport} want only ${want}` +
    (transport === 'auto' ? ' (xen-api falls back to XML-RPC when /jsonrpc does not answer application/json)' : ''))
  const nFrom = calls.filter(c => c.method === 'event.from').length
  ok(`${calls.length} calls over ${want} (${nFrom} event.from), no errors`)

  await xapi.disconnect()
  check(calls.some(c => c.method === 'session.logout'), 'no session.logout')
  ok('disconnected (session.logout)')

  if (deviations.length !== 0) {
    const error = new Failure(`${deviations.length} difference(s) from XAPI:\n  ` + deviations.join('\n  '))
    error.deviationsOnly = true
    throw error
  }
}

const dumpWire = () => {
  console.error('last XenAPI calls:')
  for (const c of calls.slice(-25)) console.error('  ' + describeCall(c))
  console.error('last HTTP exchanges:')
  for (const h of http.slice(-10)) console.error('  ' + h)
  if (warnings.length) console.error('xen-api warnings:\n  ' + warnings.join('\n  '))
}

main().then(
  async () => {
    // settle session.logout before leaving; the event loop's parked event.from would keep us alive
    await new Promise(resolve => setTimeout(resolve, 100))
    console.log(`PASS xen-api client (transport ${transport})`)
    process.exit(0)
  },
  error => {
    console.error(`FAIL ${error instanceof Failure ? error.message : error?.stack ?? error}`)
    if (error?.call) console.error(`  in call ${brief(error.call, 400)}`)
    if (!error?.deviationsOnly) dumpWire()
    process.exit(1)
  }
)
