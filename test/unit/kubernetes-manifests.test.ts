// The Kubernetes manifests against the service they run: every environment variable one the
// configuration schema knows and accepts, probes on the routes the server answers, ports that meet,
// selectors that select, a grace period that covers the shutdown. Nothing here runs a cluster.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envSchema, loadConfig } from '../../src/config';

const DIR = path.join(__dirname, '..', '..', 'deploy', 'kubernetes');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are read loosely, then checked
type Manifest = any;

const manifests: Manifest[] = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(DIR, f), 'utf8')).map((d) => d.toJS() as Manifest));
const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};
const deployment = find('Deployment', 'facemark');
const pod = deployment.spec.template.spec;
const container = pod.containers.find((c: Manifest) => c.name === 'facemark');
const env: Record<string, string> = Object.fromEntries(
  container.env.map((e: Manifest) => [e.name, e.value ?? (e.valueFrom?.secretKeyRef ? 'a-secret-key' : undefined)]),
);
const labels = (m: Manifest) => m.spec.template.metadata.labels;
const selects = (selector: Record<string, string>, of: Record<string, string>) => Object.entries(selector).every(([k, v]) => of[k] === v);

test('the manifests parse: a Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and Redis', () => {
  expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(
    [
      'Deployment/facemark',
      'HorizontalPodAutoscaler/facemark',
      'PersistentVolumeClaim/facemark-clips',
      'PodDisruptionBudget/facemark',
      'Service/facemark',
      'Service/redis',
      'StatefulSet/redis',
    ].sort(),
  );
});

test('every environment variable is one the configuration knows, and the whole set is a configuration it accepts', () => {
  const known = new Set(Object.keys(envSchema.shape));
  expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
  const config = loadConfig(env);
  expect(config.video.queue).toMatchObject({ url: 'redis://redis:6379', storageDir: '/clips' });
});

test('the probes: readiness on /ready, liveness on /health, on the port the service listens on', () => {
  const port = container.ports.find((p: Manifest) => p.containerPort === loadConfig(env).port);
  expect(port).toBeDefined();
  expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: port.name });
  expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: port.name });
  expect(container.startupProbe.httpGet.port).toBe(port.name);
});

test('the Service, the autoscaler and the disruption budget reach the Deployment', () => {
  const service = find('Service', 'facemark');
  expect(selects(service.spec.selector, labels(deployment))).toBe(true);
  expect(service.spec.ports.map((p: Manifest) => p.targetPort)).toEqual([container.ports[0].name]);
  const hpa = find('HorizontalPodAutoscaler', 'facemark');
  expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'facemark' });
  expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
  // The autoscaler's floor leaves the budget a pod to evict.
  const pdb = find('PodDisruptionBudget', 'facemark');
  expect(selects(pdb.spec.selector.matchLabels, labels(deployment))).toBe(true);
  expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
});

test('Redis: the address the replicas use, persistent and never evicting (the video queue needs both)', () => {
  const { hostname, port } = new URL(env.REDIS_URL!);
  const service = find('Service', hostname);
  expect(service.spec.ports.map((p: Manifest) => p.port)).toContain(Number(port));
  const redis = find('StatefulSet', 'redis');
  expect(selects(service.spec.selector, labels(redis))).toBe(true);
  const args = redis.spec.template.spec.containers[0].args.join(' ');
  expect(args).toContain('--appendonly yes');
  expect(args).toContain('--maxmemory-policy noeviction');
});

test('the clips volume is mounted where VIDEO_STORAGE_DIR points, shared by every replica', () => {
  const mount = container.volumeMounts.find((m: Manifest) => m.mountPath === env.VIDEO_STORAGE_DIR);
  const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
  expect(find('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName).spec.accessModes).toEqual(['ReadWriteMany']);
});

test('the grace period covers the shutdown: SIGTERM lets a replica finish its segments', () => {
  expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(loadConfig(env).shutdownTimeoutMs);
});
