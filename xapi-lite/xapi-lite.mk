# xapi-lite: the XenAPI service (see xapi-lite/main.c); make run-api starts it with the
# simulated host for anyone to poke with a XenAPI client.

XAPI_SRCS := $(wildcard xapi-lite/*.c)

$(B)/obj/xapi-lite/%.o: CFLAGS += -DATOLL_VERSION='"$(ATOLL_VERSION)"'
$(eval $(call c-program,xapi-lite,$(XAPI_SRCS)))

# The demo password of make run-api is "atoll" (a sha512-crypt hash made by openssl).
RUN_API_STATE := $(OUT)/run-api

.PHONY: run-api
run-api: $(OUT)/bin/xapi-lite
	@mkdir -p $(RUN_API_STATE)
	@printf 'root:%s:0:0:99999:7:::\n' "$$(printf atoll | openssl passwd -6 -stdin)" \
		> $(RUN_API_STATE)/shadow
	@echo "xapi-lite (sim) on http://127.0.0.1:8080/ : user root, password atoll; Ctrl-C stops"
	@$(OUT)/bin/xapi-lite --backend sim --state $(RUN_API_STATE) \
		--listen 127.0.0.1:8080 --password-file $(RUN_API_STATE)/shadow --log -
