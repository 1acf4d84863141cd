# Sourced by run.sh and run_scaled.sh (after $data_dir is set). Tokens go to the
# servers by environment (or file), never as arguments: every local user can
# read a process's arguments (ps).
secret() {  # secret VAR FILE: the variable, else the file in the data folder (created once)
  local var=$1 file=$data_dir/$2
  if [ -z "${!var:-}" ]; then
    if [ ! -s "$file" ]; then
      (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$file")
      echo "==> created $file"
    fi
    printf -v "$var" '%s' "$(cat "$file")"
  fi
  export "${var?}"
}
