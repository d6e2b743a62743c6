# Herald's image: one image, every role; HERALD_ROLES (or --roles) chooses what a container does.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true install -pl server -am

FROM eclipse-temurin:21-jre
RUN useradd --system --home-dir /var/lib/herald --create-home herald
COPY --from=build /src/server/target/herald.jar /opt/herald/herald.jar
COPY --from=build /src/server/target/lib /opt/herald/lib
USER herald
ENV HERALD_DATA_DIR=/var/lib/herald \
    CODER_HTTP_ADDRESS=0.0.0.0:3000 \
    CODER_PROMETHEUS_ADDRESS=0.0.0.0:2112
EXPOSE 3000 2112
ENTRYPOINT ["java", "-jar", "/opt/herald/herald.jar"]
CMD ["server"]
