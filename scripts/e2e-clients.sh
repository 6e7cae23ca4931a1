#!/usr/bin/env bash
# Real clients, a real registry, our helper in between, all on loopback:
#   - Debian's docker-registry (CNCF distribution) with TLS from a throw-away CA and htpasswd
#     auth for user AWS with the password the ECR stand-in hands out;
#   - 123456789012.dkr.ecr.us-east-1.amazonaws.com resolving to it only inside a private mount
#     and network namespace (unshare; a bind-mounted hosts file; the machine's files are never
#     changed);
#   - a tiny image built here (no internet) and pushed through the helper;
#   - skopeo inspect, skopeo copy, podman pull, buildah pull and `docker manifest inspect`
#     (the CLI only; there is no daemon) through credHelpers and our binary;
#   - negative controls: no helper, a stand-in that hands out another password, a failing
#     stand-in: each ends in 401;
#   - a name of one's own (the registry map's `ecr = HOST`): skopeo and podman pull through
#     an alias that the map says stands for the ECR host, with the ECR host's cached token;
#   - `credsStore: ecr-login` with AWS_ECR_FALLBACK_CREDS_STORE=pass: `docker login`,
#     `docker manifest inspect` and `docker logout` of a second, non-ECR registry name go
#     through our binary to Debian's docker-credential-pass (a throw-away GPG key), while the
#     ECR host stays ours.
# Needs root. Ends with its own count: `e2e: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
HOST=123456789012.dkr.ecr.us-east-1.amazonaws.com
# A registry that is not ECR (the same server under another name), for the fallback store.
HUB=hub.e2e.test
HUB_PW=hub-password-kept-by-pass
# A name of one's own for the ECR registry (a reverse proxy's or CNAME's, in real life).
ALIAS=registry.e2e.test

if [ -z "${E2E_INSIDE:-}" ]; then
    need=()
    for p in docker-registry:docker-registry skopeo:skopeo podman:podman buildah:buildah \
             htpasswd:apache2-utils openssl:openssl ip:iproute2 unshare:util-linux \
             pass:pass gpg:gnupg docker-credential-pass:golang-docker-credential-helpers; do
        command -v "${p%%:*}" > /dev/null || need+=("${p#*:}")
    done
    command -v docker > /dev/null || need+=(docker.io)
    if [ ${#need[@]} -gt 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
    fi
    BIN=${BIN:-$top/target/debug/docker-credential-ecr-login}
    [ -x "$BIN" ] || cargo build -q --bin docker-credential-ecr-login
    cargo build -q --release --example standin
    W=$(mktemp -d)
    trap 'rm -rf "$W"' EXIT
    E2E_INSIDE=1 W="$W" BIN="$BIN" unshare --mount --net --propagation private bash "$0"
    exit $?
fi

# ---- inside the private namespaces ----
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done; wait 2> /dev/null; }
trap cleanup EXIT
ip link set lo up
cp /etc/hosts "$W/hosts"
echo "127.0.0.1 $HOST $HUB $ALIAS" >> "$W/hosts"
mount --bind "$W/hosts" /etc/hosts

# A throw-away CA and the registry's certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=e2e-throwaway-ca \
    -keyout "$W/ca.key" -out "$W/ca.crt" 2> /dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$HOST" -keyout "$W/server.key" -out "$W/server.csr" 2> /dev/null
printf 'subjectAltName=DNS:%s,DNS:%s,DNS:%s\n' "$HOST" "$HUB" "$ALIAS" > "$W/ext"
openssl x509 -req -in "$W/server.csr" -CA "$W/ca.crt" -CAkey "$W/ca.key" -CAcreateserial \
    -days 2 -extfile "$W/ext" -out "$W/server.crt" 2> /dev/null
# Go clients take extra roots from SSL_CERT_FILE.
cat /etc/ssl/certs/ca-certificates.crt "$W/ca.crt" > "$W/roots.pem" 2> /dev/null || cp "$W/ca.crt" "$W/roots.pem"
export SSL_CERT_FILE="$W/roots.pem"

# Stand-ins: the right password, another password, and one that fails.
start_standin() { # name, args…: prints nothing, sets url_<name>
    local name=$1; shift
    mkfifo "$W/$name.in" "$W/$name.out"
    "$top/target/release/examples/standin" "$@" < "$W/$name.in" > "$W/$name.out" &
    pids+=($!)
    eval "exec {fd_$name}> \"$W/$name.in\""
    read -r "url_$name" < "$W/$name.out"
}
start_standin good
start_standin other another-password
start_standin failing --fail

htpasswd -Bbn AWS password-from-the-stand-in > "$W/htpasswd"
htpasswd -Bbn alice "$HUB_PW" >> "$W/htpasswd"
cat > "$W/registry.yml" <<YML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $W/storage
http:
  addr: 127.0.0.1:443
  tls:
    certificate: $W/server.crt
    key: $W/server.key
auth:
  htpasswd:
    realm: e2e
    path: $W/htpasswd
YML
exec {reg}< <(exec docker-registry serve "$W/registry.yml" 2>&1)
pids+=($!)
while read -r line <&$reg; do
    case "$line" in *"listening on"*) break ;; esac
done
cat <&$reg > "$W/registry.log" &
pids+=($!)

# Our helper first on PATH, for every client.
mkdir -p "$W/bin" "$W/home" "$W/docker" "$W/docker-none"
cp "$BIN" "$W/bin/docker-credential-ecr-login"
export PATH="$W/bin:$PATH" HOME="$W/home"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL_ECR="$url_good"
printf '{"credHelpers":{"%s":"ecr-login","%s":"ecr-login"}}\n' "$HOST" "$ALIAS" > "$W/docker/config.json"
# The registry map: the alias stands for the ECR host.
mkdir -p -m 700 "$W/home/.ecr"
printf '[registry %s]\necr = %s\n' "$ALIAS" "$HOST" > "$W/home/.ecr/config"
echo '{}' > "$W/docker-none/config.json"
export DOCKER_CONFIG="$W/docker" REGISTRY_AUTH_FILE="$W/docker/config.json"

# A tiny OCI image, made here: one layer with one file.
img="$W/oci"
mkdir -p "$img/blobs/sha256" "$W/layer"
echo "hello from a loopback registry" > "$W/layer/hello.txt"
tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$W/layer" -cf - hello.txt | gzip -n > "$W/layer.tar.gz"
diff_id=$(tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$W/layer" -cf - hello.txt | sha256sum | cut -d' ' -f1)
blob() { local d; d=$(sha256sum < "$1" | cut -d' ' -f1); cp "$1" "$img/blobs/sha256/$d"; echo "$d"; }
layer=$(blob "$W/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff_id" > "$W/config.json"
config=$(blob "$W/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$config" "$(wc -c < "$W/config.json")" "$layer" "$(wc -c < "$W/layer.tar.gz")" > "$W/manifest.json"
manifest=$(blob "$W/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' > "$img/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
    "$manifest" "$(wc -c < "$W/manifest.json")" > "$img/index.json"

passed=0; failed=0
check() { # name, want (ok|401), command…
    local name=$1 want=$2; shift 2
    local out rc
    out=$("$@" 2>&1); rc=$?
    local good=no
    if [ "$want" = ok ] && [ $rc -eq 0 ]; then good=yes; fi
    if [ "$want" = 401 ] && [ $rc -ne 0 ] && grep -qiE '401|unauthorized|authentication required|no basic auth credentials' <<< "$out"; then good=yes; fi
    if [ $good = yes ]; then
        passed=$((passed + 1)); echo "ok: $name"
    else
        failed=$((failed + 1)); echo "FAILED: $name (exit $rc)"; sed 's/^/    /' <<< "$out" | tail -n 15
    fi
}
ref="$HOST/e2e/hello:1"
podman_flags=(--root "$W/podman/root" --runroot "$W/podman/run" --storage-driver vfs --events-backend file --cgroup-manager cgroupfs)
buildah_flags=(--root "$W/buildah/root" --runroot "$W/buildah/run" --storage-driver vfs)

check "skopeo copy: push the local image through the helper" ok skopeo copy --quiet "oci:$img:latest" "docker://$ref"
check "skopeo inspect" ok skopeo inspect "docker://$ref"
check "skopeo copy: pull to a directory" ok skopeo copy --quiet "docker://$ref" "dir:$W/pulled"
check "podman pull" ok podman "${podman_flags[@]}" pull --quiet "$ref"
check "buildah pull" ok buildah "${buildah_flags[@]}" pull --quiet "$ref"
check "docker manifest inspect (CLI)" ok docker manifest inspect "$ref"
calls=$(grep -c "Got a new token" "$W/home/.ecr/log/ecr-login.log" 2> /dev/null || echo 0)
check "six clients, one ECR call (the rest from the cache)" ok test "$calls" -eq 1

alias_ref="$ALIAS/e2e/hello:1"
check "alias: skopeo inspect through a name of one's own (the map's ecr = the ECR host)" ok skopeo inspect "docker://$alias_ref"
check "alias: podman pull through it" ok podman "${podman_flags[@]}" pull --quiet "$alias_ref"
calls=$(grep -c "Got a new token" "$W/home/.ecr/log/ecr-login.log" 2> /dev/null || echo 0)
check "alias: it shares the ECR host's cached token (still one ECR call)" ok test "$calls" -eq 1
check "alias, no helper for it: 401" 401 env REGISTRY_AUTH_FILE="$W/docker-none/config.json" DOCKER_CONFIG="$W/docker-none" skopeo inspect "docker://$alias_ref"

check "no helper: 401" 401 env REGISTRY_AUTH_FILE="$W/docker-none/config.json" DOCKER_CONFIG="$W/docker-none" skopeo inspect "docker://$ref"
check "no helper, docker CLI: 401" 401 env DOCKER_CONFIG="$W/docker-none" docker manifest inspect "$ref"
check "a stand-in with another password: 401" 401 env AWS_ENDPOINT_URL_ECR="$url_other" AWS_ECR_DISABLE_CACHE=1 skopeo inspect "docker://$ref"
check "a failing stand-in: the client goes on anonymously and gets 401" 401 env AWS_ENDPOINT_URL_ECR="$url_failing" AWS_ECR_DISABLE_CACHE=1 skopeo inspect "docker://$ref"
check "a failing stand-in, docker CLI: 401" 401 env AWS_ENDPOINT_URL_ECR="$url_failing" AWS_ECR_DISABLE_CACHE=1 docker manifest inspect "$ref"

# credsStore: ecr-login, other registries' logins kept by docker-credential-pass through
# AWS_ECR_FALLBACK_CREDS_STORE: a throw-away GPG key and pass store.
export GNUPGHOME="$W/gnupg" PASSWORD_STORE_DIR="$W/pass"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key 'ecr-login e2e <e2e@example.invalid>' default default never 2> /dev/null
pass init "$(gpg --list-keys --with-colons 2> /dev/null | awk -F: '/^fpr/ { print $10; exit }')" > /dev/null 2>&1
mkdir -p "$W/docker-store"
echo '{"credsStore":"ecr-login"}' > "$W/docker-store/config.json"
hub_ref="$HUB/e2e/hello:1"
check "fallback: the image pushed to the non-ECR name (skopeo, its own credentials)" ok \
    skopeo copy --quiet --dest-creds "alice:$HUB_PW" "oci:$img:latest" "docker://$hub_ref"
store_env=(env DOCKER_CONFIG="$W/docker-store" AWS_ECR_FALLBACK_CREDS_STORE=pass AWS_ECR_LOG_LEVEL=debug)
check "fallback off: docker login to the non-ECR registry fails (store: not implemented)" ok \
    sh -c "printf '%s' '$HUB_PW' | DOCKER_CONFIG='$W/docker-store' docker login $HUB -u alice --password-stdin 2>&1 | grep -q 'not implemented'"
check "fallback: docker login (CLI) stores through us into pass" ok \
    sh -c "printf '%s' '$HUB_PW' | ${store_env[*]} docker login $HUB -u alice --password-stdin"
check "fallback: pass holds the login, config.json holds no password" ok \
    sh -c "docker-credential-pass list | grep -q '$HUB' && ! grep -q '$HUB_PW' '$W/docker-store/config.json' && ! grep -q '\"auth\"' '$W/docker-store/config.json'"
check "fallback: docker manifest inspect of the non-ECR registry (get through us from pass)" ok \
    "${store_env[@]}" docker manifest inspect "$hub_ref"
check "fallback: docker manifest inspect of the ECR host (ours, same config)" ok \
    "${store_env[@]}" docker manifest inspect "$ref"
check "fallback: docker logout (erase through us from pass)" ok "${store_env[@]}" docker logout "$HUB"
check "fallback: pass no longer holds it" ok sh -c "! docker-credential-pass list | grep -q '$HUB'"
check "fallback: after logout, the non-ECR registry answers 401" 401 "${store_env[@]}" docker manifest inspect "$hub_ref"
check "fallback: the password never reached our log" ok sh -c "! grep -rq '$HUB_PW' '$W/home/.ecr/log'"
gpgconf --kill gpg-agent 2> /dev/null

# The release image (scripts/release.sh writes it), when there is one: every platform in the
# archive, pushed through the helper, each pulled back as a client on that platform would (its
# architecture and variant) and holding that target's binary, and the amd64 binary taken out of
# its layer answers a get against the stand-in.
archive=${OCI_ARCHIVE:-$top/dist/docker-credential-ecr-login-oci.tar}
if [ -f "$archive" ]; then
    # dist folder:os/architecture[/variant], as scripts/oci-image.py names them
    want="linux-amd64:linux/amd64 linux-arm64:linux/arm64/v8 linux-armv7:linux/arm/v7 linux-armv6:linux/arm/v6
          linux-ppc64le:linux/ppc64le linux-s390x:linux/s390x linux-riscv64:linux/riscv64"
    wanted=$(for p in $want; do echo "${p#*:}"; done | LC_ALL=C sort | tr '\n' ' ')
    platforms() { python3 -c 'import json,sys; print(" ".join(sorted("/".join([p["os"], p["architecture"]] + ([p["variant"]] if "variant" in p else [])) for p in (m["platform"] for m in json.load(sys.stdin)["manifests"]))), end=" ")'; }
    check "image: the archive is an index of $wanted" ok \
        test "$(skopeo inspect --raw "oci-archive:$archive" | platforms)" = "$wanted"
    image="$HOST/ecr-login/helper:release"
    check "image: skopeo copy --all into the registry through the helper" ok \
        skopeo copy --quiet --all "oci-archive:$archive" "docker://$image"
    check "image: the registry serves the index with every platform" ok \
        test "$(skopeo inspect --raw "docker://$image" | platforms)" = "$wanted"
    layer_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"][7:])' "$1/manifest.json"; }
    for p in $want; do
        folder=${p%%:*} plat=${p#*:}
        arch=$(echo "$plat" | cut -d/ -f2) variant=$(echo "$plat" | cut -d/ -f3)
        back=$W/image-back-$folder
        check "image: skopeo copy back as $plat" ok \
            skopeo copy --quiet --override-os linux --override-arch "$arch" ${variant:+--override-variant "$variant"} "docker://$image" "dir:$back"
        mkdir -p "$back/root"
        tar -xzf "$back/$(layer_of "$back" 2> /dev/null)" -C "$back/root" 2> /dev/null || true
        check "image: its layer holds dist/$folder's binary" ok cmp "$back/root/docker-credential-ecr-login" "$top/dist/$folder/docker-credential-ecr-login"
    done
    check "image: the binary from the amd64 layer answers a get against the stand-in" ok \
        sh -c "printf '%s' '$HOST' | AWS_ECR_DISABLE_CACHE=1 '$W/image-back-linux-amd64/root/docker-credential-ecr-login' get | grep -q '\"Secret\":\"password-from-the-stand-in\"'"
fi

echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
