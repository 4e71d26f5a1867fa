#!/usr/bin/env python3
"""Offline sanity checks for deployment files that have no validator on this machine.

    python3 compose/tools/check_configs.py k8s RENDERED.yaml   # output of `kubectl kustomize`
    python3 compose/tools/check_configs.py otel compose/otel/config.yaml

Exits 1 with one line per problem, each naming the file and the object. Not a full schema
validation (that needs a cluster's OpenAPI); it catches what breaks a lab at apply time:
missing fields, selectors that select nothing, references to ConfigMap keys or env vars that
do not exist, ports out of range, probes on ports no container opens.
"""
import re
import sys

import yaml

DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
ENV_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def check_k8s(path):
    problems = []
    with open(path) as handle:
        documents = [d for d in yaml.safe_load_all(handle) if d]
    if not documents:
        return [f"{path}: no Kubernetes objects"]
    config_maps, deployments, services = {}, [], []
    for doc in documents:
        kind, meta = doc.get("kind"), doc.get("metadata") or {}
        name = meta.get("name", "")
        where = f"{path}: {kind or '?'} {name or '?'}"
        if not doc.get("apiVersion") or not kind:
            problems.append(f"{where}: apiVersion and kind are required")
            continue
        if not DNS1123.match(name) or len(name) > 63:
            problems.append(f"{where}: metadata.name must be a DNS-1123 label")
        if kind != "Namespace" and not meta.get("namespace"):
            problems.append(f"{where}: no namespace (kustomization sets one)")
        if kind == "ConfigMap":
            data = doc.get("data") or {}
            for key, value in data.items():
                if not isinstance(value, str):
                    problems.append(f"{where}: data.{key} must be a string, is {type(value).__name__}")
            config_maps[name] = data
        elif kind == "Deployment":
            deployments.append((where, doc))
        elif kind == "Service":
            services.append((where, doc))
        elif kind != "Namespace":
            problems.append(f"{where}: unexpected kind")

    pod_labels = []
    for where, doc in deployments:
        spec = doc.get("spec") or {}
        selector = ((spec.get("selector") or {}).get("matchLabels")) or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not selector:
            problems.append(f"{where}: spec.selector.matchLabels is empty")
        if any(labels.get(k) != v for k, v in selector.items()):
            problems.append(f"{where}: selector {selector} does not match the pod labels {labels}")
        containers = (template.get("spec") or {}).get("containers") or []
        if not containers:
            problems.append(f"{where}: no containers")
        names = [c.get("name") for c in containers]
        if len(set(names)) != len(names):
            problems.append(f"{where}: container names are not unique: {names}")
        ports = set()
        for container in containers:
            for port in container.get("ports") or []:
                number = port.get("containerPort")
                if not isinstance(number, int) or not 1 <= number <= 65535:
                    problems.append(f"{where}: container {container.get('name')}: port {number!r} out of range")
                ports.add(number)
                if port.get("name"):
                    ports.add(port["name"])
        for container in containers:
            cwhere = f"{where}: container {container.get('name')}"
            if not container.get("image"):
                problems.append(f"{cwhere}: no image")
            env = set()
            for variable in container.get("env") or []:
                env.add(variable.get("name"))
                ref = (variable.get("valueFrom") or {}).get("configMapKeyRef")
                if ref:
                    data = config_maps.get(ref.get("name"))
                    if data is None:
                        problems.append(f"{cwhere}: env {variable.get('name')} refers to missing ConfigMap {ref.get('name')}")
                    elif ref.get("key") not in data:
                        problems.append(f"{cwhere}: env {variable.get('name')} refers to missing key {ref.get('key')} of ConfigMap {ref.get('name')}")
            for word in (container.get("command") or []) + (container.get("args") or []):
                for variable in ENV_REF.findall(str(word)):
                    if variable not in env:
                        problems.append(f"{cwhere}: $({variable}) in its arguments is not one of its env vars")
            for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
                probe = container.get(probe_name)
                if not probe:
                    continue
                http = probe.get("httpGet")
                if http and http.get("port") not in ports:
                    problems.append(f"{cwhere}: {probe_name} uses port {http.get('port')!r}, which no container opens")
                if not http and not probe.get("exec") and not probe.get("tcpSocket"):
                    problems.append(f"{cwhere}: {probe_name} has no handler")
        pod_labels.append((labels, ports))

    for where, doc in services:
        spec = doc.get("spec") or {}
        selector = spec.get("selector") or {}
        matching = [ports for labels, ports in pod_labels if selector and all(labels.get(k) == v for k, v in selector.items())]
        if not matching:
            problems.append(f"{where}: selector {selector} selects no Deployment's pods")
        for port in spec.get("ports") or []:
            number, target = port.get("port"), port.get("targetPort", port.get("port"))
            if not isinstance(number, int) or not 1 <= number <= 65535:
                problems.append(f"{where}: port {number!r} out of range")
            if matching and not any(target in ports for ports in matching):
                problems.append(f"{where}: targetPort {target!r} is not a container port of the selected pods")
    return problems


def check_otel(path):
    with open(path) as handle:
        config = yaml.safe_load(handle) or {}
    problems = []
    service = config.get("service") or {}
    for extension in service.get("extensions") or []:
        if extension not in (config.get("extensions") or {}):
            problems.append(f"{path}: service.extensions names {extension}, which is not defined")
    pipelines = service.get("pipelines") or {}
    if not pipelines:
        problems.append(f"{path}: service.pipelines is empty")
    for name, pipeline in pipelines.items():
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section) or []:
                if component not in (config.get(section) or {}):
                    problems.append(f"{path}: pipeline {name} names {section[:-1]} {component}, which is not defined")
        if not pipeline.get("receivers") or not pipeline.get("exporters"):
            problems.append(f"{path}: pipeline {name} needs receivers and exporters")
    zipkin = (config.get("receivers") or {}).get("zipkin")
    if zipkin is None or not str((zipkin or {}).get("endpoint", "")).endswith(":9411"):
        problems.append(f"{path}: the zipkin receiver must listen on :9411 (the sidecars' --zipkin)")
    return problems


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("k8s", "otel"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    kind, path = sys.argv[1], sys.argv[2]
    problems = check_k8s(path) if kind == "k8s" else check_otel(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
