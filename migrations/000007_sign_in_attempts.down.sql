DROP TABLE sign_in_addresses;
DROP INDEX login_failures_pair_idx;
