# Build the jar first (./mvnw -B -DskipTests package), then: docker build -t atelier .
# A glibc base is required: libtorch does not run on musl (Alpine).
ARG BASE_IMAGE=debian:bookworm-slim

# Both stages start with the same instructions, so the second reuses the first's cached layers. (A
# shared named stage would do the same, but Testcontainers then tries to pull the stage's name.)
FROM ${BASE_IMAGE} AS layers
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless dataset-fashion-mnist curl \
 && rm -rf /var/lib/apt/lists/*
ENV DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true
WORKDIR /build
ARG JAR_FILE=target/atelier-0.1.0-SNAPSHOT.jar
COPY ${JAR_FILE} app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted
# Unpack libtorch now rather than at every container start. DJL unpacks into private (0700)
# temporary directories, which the non-root user must be able to read.
RUN java -Dloader.main=io.atelier.network.PrepareEngine -cp app.jar \
      org.springframework.boot.loader.launch.PropertiesLauncher \
 && chmod -R a+rX /opt/djl

FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless dataset-fashion-mnist curl \
 && rm -rf /var/lib/apt/lists/*
ENV DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true
RUN useradd --system --uid 10001 --user-group --no-create-home atelier \
 && mkdir /data && chown atelier:atelier /data
COPY --from=layers /opt/djl /opt/djl
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
ENV ATELIER_DATA_DIR=/data \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
