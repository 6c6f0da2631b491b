# smtp-parse session --pcap: the golden records of tests/data/pcap, and a
# fresh capture against aiosmtpd (tests/pcap/regenerate.sh; skipped where it
# cannot run: not root, no network namespaces, packages missing).
if(TARGET smtp-parse AND SMTP_WITH_PCAP)
  find_program(SMTP_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(SMTP_SYSTEM_PYTHON)
    add_test(NAME pcap.golden
      COMMAND ${SMTP_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/pcap/check_pcap.py golden
        $<TARGET_FILE:smtp-parse> ${CMAKE_CURRENT_SOURCE_DIR}/data/pcap)
    add_test(NAME pcap.capture
      COMMAND ${SMTP_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/pcap/check_pcap.py capture
        $<TARGET_FILE:smtp-parse> ${CMAKE_CURRENT_SOURCE_DIR}/data/pcap)
    set_tests_properties(pcap.golden pcap.capture PROPERTIES LABELS pcap TIMEOUT 180)
    set_tests_properties(pcap.capture PROPERTIES SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
  endif()
endif()
