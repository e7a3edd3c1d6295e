# The simulator's image: one statically linked binary FROM scratch, nothing else. `make image` builds the
# binary (CGO_ENABLED=0) into the build context and then this file; nothing is pulled, so it builds offline.
# There is no shell in scratch: the health check is the binary's own `issuersim health`.
FROM scratch
COPY issuersim /issuersim
# A numeric uid and gid, since scratch has no /etc/passwd (65532 is "nonroot" in distroless images).
USER 65532:65532
# Listen on every interface of the container; the serve flags' other ISSUERSIM_* variables work as they are.
ENV ISSUERSIM_ADDR=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=1s --timeout=1s --start-period=10s --retries=3 CMD ["/issuersim", "health", "--url", "http://127.0.0.1:8080"]
ENTRYPOINT ["/issuersim"]
CMD ["serve"]
