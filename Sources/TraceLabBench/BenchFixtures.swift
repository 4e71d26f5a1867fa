/// The three Zipkin reference bodies (docs/ARCHITECTURE.md, "Reference data"), byte for byte,
/// so that `tracelab bench codec` measures the same input anywhere (a release binary has no
/// test resources beside it).
/// Keep them identical to Tests/ZipkinTests/Fixtures; `--fixtures DIR` reads files instead.
public enum BenchFixtures {
    /// Name and body of each fixture, in the order the benchmark reports them.
    public static let all: [(name: String, body: String)] = [
        ("envoy-1.40-server-spans.json", envoyServerSpans),
        ("envoy-1.40-client-spans.json", envoyClientSpans),
        ("otel-python-1.45-zipkin-spans.json", otelPythonSpans),
    ]

    /// `envoy-1.40-server-spans.json`: what real Envoy 1.40 POSTed.
    public static let envoyServerSpans = #"""
[{"localEndpoint":{"serviceName":"demo-sidecar","ipv4":"192.0.2.2","port":0},"traceId":"f1c78b023eea5598","timestamp":1795369410651162,"duration":1650,"id":"f1c78b023eea5598","annotations":[{"timestamp":1795369410652927,"value":"ss"}],"kind":"SERVER","tags":{"response_flags":"-","guid:x-request-id":"bdd4576b-d3f7-95f9-938f-a1d94bf1d930","node_id":"sidecar-1","http.status_code":"200","http.url":"http://127.0.0.1:15001/case/01","upstream_cluster":"app","upstream_cluster.name":"app","peer.address":"127.0.0.1","http.method":"GET","user_agent":"curl/7.88.1","response_size":"503","component":"proxy","downstream_cluster":"-","http.protocol":"HTTP/1.1","request_size":"0"},"name":"127.0.0.1:15001","shared":true},{"tags":{"response_flags":"-","guid:x-request-id":"4a3cff36-8839-9ce6-bcba-4cfd425df898","node_id":"sidecar-1","http.status_code":"200","http.url":"http://127.0.0.1:15001/case/02","upstream_cluster":"app","upstream_cluster.name":"app","peer.address":"127.0.0.1","http.method":"GET","user_agent":"curl/7.88.1","response_size":"502","component":"proxy","downstream_cluster":"-","request_size":"0","http.protocol":"HTTP/1.1"},"kind":"SERVER","timestamp":1795369410660172,"localEndpoint":{"ipv4":"192.0.2.2","serviceName":"demo-sidecar","port":0},"name":"127.0.0.1:15001","shared":true,"traceId":"810b8106035d650c","annotations":[{"timestamp":1795369410704458,"value":"ss"}],"id":"810b8106035d650c","duration":44204},{"name":"127.0.0.1:15001","localEndpoint":{"serviceName":"demo-sidecar","port":0,"ipv4":"192.0.2.2"},"traceId":"463ac35c9f6413ad","annotations":[{"timestamp":1795369410808411,"value":"ss"}],"kind":"SERVER","timestamp":1795369410764879,"tags":{"response_flags":"-","guid:x-request-id":"368dc907-4378-9117-bdc6-850493fba8cb","node_id":"sidecar-1","http.status_code":"200","http.url":"http://127.0.0.1:15001/case/04","upstream_cluster":"app","upstream_cluster.name":"app","peer.address":"127.0.0.1","http.method":"GET","user_agent":"curl/7.88.1","response_size":"503","component":"proxy","downstream_cluster":"-","http.protocol":"HTTP/1.1","request_size":"0"},"shared":true,"id":"a2fb4a1d1a96d312","duration":43434},{"localEndpoint":{"ipv4":"192.0.2.2","serviceName":"demo-sidecar","port":0},"timestamp":1795369410817449,"traceId":"463ac35c9f6413ad48485a3953bb6124","duration":42761,"parentId":"0020000000000001","id":"a2fb4a1d1a96d312","annotations":[{"timestamp":1795369410860333,"value":"ss"}],"kind":"SERVER","tags":{"response_flags":"-","guid:x-request-id":"8dba8271-a25f-9890-ad11-f9c474214e72","node_id":"sidecar-1","http.status_code":"200","http.url":"http://127.0.0.1:15001/case/05","upstream_cluster":"app","upstream_cluster.name":"app","peer.address":"127.0.0.1","http.method":"GET","user_agent":"curl/7.88.1","response_size":"573","component":"proxy","downstream_cluster":"-","request_size":"0","http.protocol":"HTTP/1.1"},"name":"127.0.0.1:15001","shared":true},{"tags":{"response_flags":"-","guid:x-request-id":"ac9d0d9f-2d9d-9333-b5a1-51efabc052bf","node_id":"sidecar-1","http.status_code":"200","http.url":"http://127.0.0.1:15001/case/07","upstream_cluster":"app","upstream_cluster.name":"app","peer.address":"127.0.0.1","http.method":"GET","user_agent":"curl/7.88.1","response_size":"536","component":"proxy","downstream_cluster":"-","request_size":"0","http.protocol":"HTTP/1.1"},"kind":"SERVER","timestamp":1795369410920446,"name":"127.0.0.1:15001","localEndpoint":{"ipv4":"192.0.2.2","port":0,"serviceName":"demo-sidecar"},"shared":true,"traceId":"463ac35c9f6413ad","annotations":[{"value":"ss","timestamp":1795369410964297}],"id":"a2fb4a1d1a96d312","duration":43729}]
"""#

    /// `envoy-1.40-client-spans.json`: what real Envoy 1.40 POSTed.
    public static let envoyClientSpans = #"""
[{"kind":"CLIENT","tags":{"downstream_cluster":"-","request_size":"0","http.protocol":"HTTP/1.1","http.url":"http://127.0.0.1:15002/case/22","response_flags":"-","guid:x-request-id":"2d6959d7-b805-9b75-a719-7ce350512fb7","component":"proxy","upstream_cluster.name":"app","node_id":"sidecar-1","response_size":"503","upstream_cluster":"app","http.method":"GET","peer.address":"127.0.0.1","http.status_code":"200","user_agent":"curl/7.88.1"},"timestamp":1795369411775384,"localEndpoint":{"ipv4":"192.0.2.2","port":0,"serviceName":"demo-sidecar"},"name":"127.0.0.1:15002","traceId":"4612225623861e70","annotations":[{"timestamp":1795369411820372,"value":"cr"}],"id":"4612225623861e70","duration":44884},{"id":"37bae99003a464b6","timestamp":1795369411829749,"name":"127.0.0.1:15002","kind":"CLIENT","duration":42509,"traceId":"463ac35c9f6413ad","localEndpoint":{"port":0,"serviceName":"demo-sidecar","ipv4":"192.0.2.2"},"annotations":[{"timestamp":1795369411872408,"value":"cr"}],"tags":{"downstream_cluster":"-","request_size":"0","http.protocol":"HTTP/1.1","http.url":"http://127.0.0.1:15002/case/23","response_flags":"-","guid:x-request-id":"760d8a96-6331-9b44-a18b-936548c3762b","component":"proxy","upstream_cluster.name":"app","node_id":"sidecar-1","response_size":"558","upstream_cluster":"app","http.method":"GET","peer.address":"127.0.0.1","http.status_code":"200","user_agent":"curl/7.88.1"},"parentId":"a2fb4a1d1a96d312"},{"traceId":"463ac35c9f6413ad","tags":{"downstream_cluster":"-","request_size":"0","http.protocol":"HTTP/1.1","http.url":"http://127.0.0.1:15002/case/24","response_flags":"-","guid:x-request-id":"d2b26d71-81d1-98e5-bb20-a01909116748","component":"proxy","upstream_cluster.name":"app","node_id":"sidecar-1","response_size":"444","upstream_cluster":"app","http.method":"GET","peer.address":"127.0.0.1","http.status_code":"200","user_agent":"curl/7.88.1"},"id":"7a0b59bd5140de50","annotations":[{"value":"cr","timestamp":1795369411924366}],"duration":42959,"parentId":"a2fb4a1d1a96d312","name":"127.0.0.1:15002","kind":"CLIENT","localEndpoint":{"ipv4":"192.0.2.2","port":0,"serviceName":"demo-sidecar"},"timestamp":1795369411881279}]
"""#

    /// `otel-python-1.45-zipkin-spans.json`: what real OpenTelemetry Python 1.45 POSTed.
    public static let otelPythonSpans = #"""
[
 {
  "traceId": "9050860a56c0144c87ee0f93196a5bb8",
  "id": "b78b0089717af876",
  "name": "get http://127.0.0.1:9080/direct/b3multi",
  "timestamp": 1795369888240403,
  "duration": 3648,
  "localEndpoint": {
   "serviceName": "otel-client"
  },
  "kind": "CLIENT",
  "tags": {
   "http.method": "GET",
   "http.url": "http://127.0.0.1:9080/direct/b3multi",
   "http.status_code": "200",
   "telemetry.sdk.language": "python",
   "telemetry.sdk.name": "opentelemetry",
   "telemetry.sdk.version": "1.45.2",
   "service.instance.id": "aad78a99-5964-4cb1-9adc-c833ef328ab4",
   "service.name": "otel-client",
   "otel.library.name": "rig.otel_client",
   "otel.library.version": "",
   "otel.scope.name": "rig.otel_client",
   "otel.scope.version": ""
  },
  "debug": true
 },
 {
  "traceId": "27671350f32f2cc04e65574fd646a810",
  "id": "46a36d77adf38b71",
  "name": "get http://127.0.0.1:9080/direct/all",
  "timestamp": 1795369888446437,
  "duration": 4756,
  "localEndpoint": {
   "serviceName": "otel-client"
  },
  "kind": "CLIENT",
  "tags": {
   "http.method": "GET",
   "http.url": "http://127.0.0.1:9080/direct/all",
   "http.status_code": "200",
   "telemetry.sdk.language": "python",
   "telemetry.sdk.name": "opentelemetry",
   "telemetry.sdk.version": "1.45.2",
   "service.instance.id": "2aee7547-26ba-4542-8ad1-1139020ef0b7",
   "service.name": "otel-client",
   "otel.library.name": "rig.otel_client",
   "otel.library.version": "",
   "otel.scope.name": "rig.otel_client",
   "otel.scope.version": ""
  },
  "debug": true
 },
 {
  "traceId": "463ac35c9f6413ad48485a3953bb6124",
  "id": "5808a856942b64a3",
  "name": "get http://127.0.0.1:9080/direct/child",
  "timestamp": 1795369888933862,
  "duration": 4221,
  "localEndpoint": {
   "serviceName": "otel-client"
  },
  "kind": "CLIENT",
  "tags": {
   "http.method": "GET",
   "http.url": "http://127.0.0.1:9080/direct/child",
   "http.status_code": "200",
   "telemetry.sdk.language": "python",
   "telemetry.sdk.name": "opentelemetry",
   "telemetry.sdk.version": "1.45.2",
   "service.instance.id": "734d80fc-1a34-4d37-bedd-c304e0cc01fa",
   "service.name": "otel-client",
   "otel.library.name": "rig.otel_client",
   "otel.library.version": "",
   "otel.scope.name": "rig.otel_client",
   "otel.scope.version": ""
  },
  "debug": true,
  "parentId": "a2fb4a1d1a96d312"
 },
 {
  "traceId": "438ed98a9c8fec0b2357180c0b981f04",
  "id": "fff4d0d8fa827c67",
  "name": "get http://127.0.0.1:15001/via-envoy/ingress",
  "timestamp": 1795369889123824,
  "duration": 5592,
  "localEndpoint": {
   "serviceName": "otel-client"
  },
  "kind": "CLIENT",
  "tags": {
   "http.method": "GET",
   "http.url": "http://127.0.0.1:15001/via-envoy/ingress",
   "http.status_code": "200",
   "telemetry.sdk.language": "python",
   "telemetry.sdk.name": "opentelemetry",
   "telemetry.sdk.version": "1.45.2",
   "service.instance.id": "8a2dcf02-2cc3-4d96-8904-856ae47efd57",
   "service.name": "otel-client",
   "otel.library.name": "rig.otel_client",
   "otel.library.version": "",
   "otel.scope.name": "rig.otel_client",
   "otel.scope.version": ""
  },
  "debug": true
 },
 {
  "traceId": "5df55900ab24620fc5242586bd052ba5",
  "id": "1958e8b71b1ed3c7",
  "name": "get http://127.0.0.1:15002/via-envoy/egress",
  "timestamp": 1795369889352243,
  "duration": 4763,
  "localEndpoint": {
   "serviceName": "otel-client"
  },
  "kind": "CLIENT",
  "tags": {
   "http.method": "GET",
   "http.url": "http://127.0.0.1:15002/via-envoy/egress",
   "http.status_code": "200",
   "telemetry.sdk.language": "python",
   "telemetry.sdk.name": "opentelemetry",
   "telemetry.sdk.version": "1.45.2",
   "service.instance.id": "9e495b06-3063-4781-a50d-188f17c9c2b2",
   "service.name": "otel-client",
   "otel.library.name": "rig.otel_client",
   "otel.library.version": "",
   "otel.scope.name": "rig.otel_client",
   "otel.scope.version": ""
  },
  "debug": true
 },
 {
  "timestamp": 1795369889126643,
  "name": "127.0.0.1:15001",
  "localEndpoint": {
   "port": 0,
   "serviceName": "demo-sidecar",
   "ipv4": "192.0.2.2"
  },
  "id": "fff4d0d8fa827c67",
  "tags": {
   "peer.address": "127.0.0.1",
   "response_size": "590",
   "component": "proxy",
   "node_id": "sidecar-1",
   "user_agent": "python-requests/2.34.2",
   "http.protocol": "HTTP/1.1",
   "guid:x-request-id": "84857e0f-3856-97b8-80b6-7f6e1bb15201",
   "upstream_cluster.name": "app",
   "http.status_code": "200",
   "http.url": "http://127.0.0.1:15001/via-envoy/ingress",
   "http.method": "GET",
   "response_flags": "-",
   "request_size": "0",
   "upstream_cluster": "app",
   "downstream_cluster": "-"
  },
  "annotations": [
   {
    "value": "ss",
    "timestamp": 1795369889128631
   }
  ],
  "traceId": "438ed98a9c8fec0b2357180c0b981f04",
  "shared": true,
  "kind": "SERVER",
  "duration": 1802
 },
 {
  "annotations": [
   {
    "value": "cr",
    "timestamp": 1795369889356356
   }
  ],
  "localEndpoint": {
   "ipv4": "192.0.2.2",
   "serviceName": "demo-sidecar",
   "port": 0
  },
  "tags": {
   "request_size": "0",
   "downstream_cluster": "-",
   "user_agent": "python-requests/2.34.2",
   "node_id": "sidecar-1",
   "response_size": "531",
   "component": "proxy",
   "http.protocol": "HTTP/1.1",
   "http.method": "GET",
   "http.status_code": "200",
   "guid:x-request-id": "a8dec949-8132-9288-9af7-4307a47d5765",
   "http.url": "http://127.0.0.1:15002/via-envoy/egress",
   "upstream_cluster.name": "app",
   "upstream_cluster": "app",
   "peer.address": "127.0.0.1",
   "response_flags": "-"
  },
  "parentId": "1958e8b71b1ed3c7",
  "timestamp": 1795369889355300,
  "duration": 917,
  "kind": "CLIENT",
  "name": "127.0.0.1:15002",
  "traceId": "5df55900ab24620fc5242586bd052ba5",
  "id": "68fc9b8807585d18"
 }
]
"""#
}
