; Included by electron-builder's NSIS script (electron-builder.yml: nsis.include).
; Uninstalling never deletes recordings silently: the user is asked, "No" is the default, a silent
; uninstall (/S) keeps everything, and an upgrade (which runs the old uninstaller) is never asked.
!macro customUnInstall
  ${ifNot} ${isUpdated}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Also delete ALL PackWitness recordings, the clip index, the station's signing keys and its settings in $APPDATA\PackWitness?$\r$\n$\r$\nChoose No to keep them (recommended): installing PackWitness again finds them." /SD IDNO IDNO pw_keep_data
      RMDir /r "$APPDATA\PackWitness"
    pw_keep_data:
  ${endIf}
!macroend
