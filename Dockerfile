# syntax=docker/dockerfile:1

# Build: modules first, so their download is cached until go.mod changes.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /crm ./cmd/crm

# Run: a static binary (templates, assets, migrations and the time zone
# database are embedded) on distroless, as an unprivileged user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /crm /crm
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/crm"]
CMD ["serve"]
