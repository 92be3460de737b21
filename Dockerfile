# Build the jar first (./mvnw -B -DskipTests package), then: docker build -t atelier .
# A glibc base is required: libtorch does not run on musl (Alpine).
ARG BASE_IMAGE=debian:bookworm-slim

# Stages start FROM the base image or FROM scratch, never FROM a named stage: Testcontainers tries to
# pull every name after FROM (for scratch Docker refuses at once, and Testcontainers goes on with a
# warning). Only this stage has a JDK; the image gets a runtime made from it.
FROM ${BASE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless binutils \
 && rm -rf /var/lib/apt/lists/*
ARG JAR_FILE=target/atelier-0.1.0-SNAPSHOT.jar
COPY ${JAR_FILE} /build/app.jar
# A plain class path of jars (not Spring Boot's launcher), so that class data sharing can map it.
RUN java -Djarmode=tools -jar /build/app.jar extract --destination /app --application-filename atelier.jar
# libtorch is carried once: unpacked here, found through PYTORCH_LIBRARY_PATH, and its 110 MB jar
# left off the class path. Its symbol tables (90 MB) only serve debuggers; the dynamic symbols that
# DJL's JNI library binds to stay.
RUN mkdir /opt/libtorch \
 && cd /opt/libtorch \
 && jar xf /app/lib/pytorch-native-cpu-*.jar pytorch/ \
 && mv pytorch/*/*/* . && rm -r pytorch /app/lib/pytorch-native-cpu-*.jar \
 && strip --strip-unneeded *.so* \
 && chmod -R a+rX /opt/libtorch
# Only the modules the service and its libraries use (jdeps), plus the elliptic-curve provider that
# TLS to PostgreSQL or a dataset mirror needs and no class refers to by name.
RUN modules=$(jdeps --ignore-missing-deps --multi-release 17 --print-module-deps --recursive \
      --class-path '/app/lib/*' /app/atelier.jar) \
 && echo "jlink modules: $modules" \
 && jlink --add-modules "$modules,jdk.crypto.ec" --strip-debug --no-header-files --no-man-pages \
      --compress=2 --output /opt/java \
 && find /opt/java -name '*.so' -exec strip --strip-unneeded {} + \
 && strip --strip-unneeded /opt/java/bin/*
ENV PATH=/opt/java/bin:$PATH \
    PYTORCH_LIBRARY_PATH=/opt/libtorch \
    PYTORCH_FLAVOR=cpu \
    DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true
# One start of the service on the new runtime, until the readiness endpoint answers, then a graceful
# stop: it proves the runtime has every module start-up needs, lets DJL unpack its JNI library into
# DJL_CACHE_DIR (the root filesystem is read-only later) and lists every class loaded on the way to
# readiness, web server and first request included, for the archive below. (Here readiness answers 503:
# this stage has no dataset.)
RUN mkdir /tmp/data \
 && cd /app \
 && bash -c 'ATELIER_DATA_DIR=/tmp/data java -XX:DumpLoadedClassList=/app/classes.lst -jar atelier.jar & pid=$!; \
      ready=false; \
      for _ in $(seq 1 900); do \
        if exec 3<>/dev/tcp/127.0.0.1/8080; then \
          printf "GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3; \
          read -r _ status _ <&3; exec 3>&-; \
          if [ -n "$status" ]; then ready=true; break; fi; \
        fi 2>/dev/null; \
        sleep 0.2; \
      done; \
      kill -TERM $pid; wait $pid; $ready' \
 && rm -r /tmp/data /app/lib/pytorch-jni-*.jar \
 && chmod -R a+rX /opt/djl

# The root filesystem the service runs on, gathered the way distroless images are: the files of the few
# Debian packages it uses (dpkg -L), not the whole base with apt, dpkg, perl, coreutils, apt's lists
# and downloaded packages. The C and C++ runtimes and zlib for the JVM and libtorch; libjpeg and lcms
# for ImageIO's JPEG decoder and colour conversion; bash for the HEALTHCHECK (and as /bin/sh); the
# dataset, so that training works offline. Documentation, translations and gconv modules stay behind,
# the packages' copyright files come along.
FROM ${BASE_IMAGE} AS rootfs
RUN apt-get update \
 && apt-get install -y --no-install-recommends dataset-fashion-mnist libjpeg62-turbo liblcms2-2 \
 && useradd --system --uid 10001 --user-group --no-create-home atelier \
 && mkdir -p /rootfs/usr/bin /rootfs/usr/sbin /rootfs/usr/lib /rootfs/usr/lib64 /rootfs/etc \
 && cp -a /bin /sbin /lib /lib64 /rootfs/ \
 && for package in base-files libc6 libgcc-s1 libstdc++6 zlib1g libtinfo6 bash \
                   libjpeg62-turbo liblcms2-2 dataset-fashion-mnist; do dpkg -L $package; done \
    | grep -v -E '^/usr/share/(man|info|locale|lintian|bug|bash-completion)/|/gconv/' \
    | awk '!/^\/usr\/share\/doc\// || /\/copyright$/' \
    | while read -r path; do if [ -f "$path" ] || [ -L "$path" ]; then echo "$path"; fi; done \
    > /tmp/files \
 && tar -cf - --no-recursion -T /tmp/files | tar -xpf - -C /rootfs \
 && cp -a /etc/passwd /etc/group /etc/nsswitch.conf /etc/ld.so.conf /etc/ld.so.conf.d /rootfs/etc/ \
 && ln -s bash /rootfs/usr/bin/sh \
 && ldconfig -r /rootfs \
 && mkdir -m 1777 /rootfs/tmp \
 && mkdir /rootfs/data /rootfs/proc /rootfs/sys /rootfs/dev /rootfs/run \
 && chown atelier:atelier /rootfs/data

FROM scratch
COPY --from=rootfs /rootfs /
ENV PATH=/opt/java/bin:/usr/bin \
    PYTORCH_LIBRARY_PATH=/opt/libtorch \
    PYTORCH_FLAVOR=cpu \
    DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true
COPY --from=build /opt/java /opt/java
COPY --from=build /opt/libtorch /opt/libtorch
COPY --from=build /opt/djl /opt/djl
WORKDIR /app
COPY --from=build /app/lib ./lib
COPY --from=build /app/atelier.jar /app/classes.lst ./
# Every native library the service can load finds what it links in the root filesystem above (the
# dynamic loader's --list fails otherwise), so a library left behind fails the build, not a request.
# Only the runtime's X11, sound and font rendering are never loaded by a headless service.
# Class data sharing: the classes start-up loads, parsed and verified now instead of at every start.
# Dumped here, against the very files the container runs, since the archive checks them.
RUN for library in /usr/bin/bash /opt/java/bin/* /opt/java/lib/*.so /opt/java/lib/server/*.so \
                   /opt/libtorch/*.so* /opt/djl/*/*/*.so; do \
      case $library in */libawt_xawt.so|*/libjawt.so|*/libsplashscreen.so|*/libjsound.so|*/libfontmanager.so) continue;; esac; \
      LD_LIBRARY_PATH=/opt/java/lib/server:/opt/java/lib:/opt/libtorch \
        /lib64/ld-linux-x86-64.so.2 --list "$library" >/dev/null || exit 1; \
    done \
 && java -Xshare:dump -XX:SharedClassListFile=/app/classes.lst -XX:SharedArchiveFile=/app/atelier.jsa \
      -cp /app/atelier.jar -Xlog:cds=off \
 && java -Xshare:on -XX:SharedArchiveFile=/app/atelier.jsa -cp /app/atelier.jar -version
# oneDNN capped at AVX: on AVX-512 hosts like this project's, the oneDNN that libtorch 2.7.1 bundles
# turns some jobs' losses to NaN with its faster kernels (a distributed Compose test's job diverged so).
# On hardware known to be sound, -e DNNL_MAX_CPU_ISA=ALL gives the speed back.
ENV ATELIER_DATA_DIR=/data \
    DNNL_MAX_CPU_ISA=AVX \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
VOLUME /data
EXPOSE 8080
# Bash's /dev/tcp rather than curl, which would bring a dozen libraries for this one line. A success
# within the start period counts at once, so a long one delays nothing on a fast start.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 \
    && printf "GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 \
    && read -r _ status _ <&3 && [ "$status" = 200 ]'
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/atelier.jsa", "-jar", "/app/atelier.jar"]
